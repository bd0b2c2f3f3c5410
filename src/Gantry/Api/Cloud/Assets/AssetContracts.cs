using System.Text.Json.Serialization;
using Gantry.Api.Json;

namespace Gantry.Api.Cloud.Assets;

/// <summary>The Cloud spec's <c>Asset</c> (and <c>AssetCreated</c> when <see cref="CreatedNew"/> is set).</summary>
public sealed record AssetView
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("name")] public required string Name { get; init; }

    [JsonPropertyName("asset_hash")] public required string AssetHash { get; init; }

    [JsonPropertyName("size")] public required long Size { get; init; }

    [JsonPropertyName("mime_type")] public string? MimeType { get; init; }

    [JsonPropertyName("tags")] public required IReadOnlyList<string> Tags { get; init; }

    [JsonPropertyName("user_metadata")] public required RawJson UserMetadata { get; init; }

    [JsonPropertyName("preview_url")] public string? PreviewUrl { get; init; }

    [JsonPropertyName("preview_id")] public string? PreviewId { get; init; }

    [JsonPropertyName("prompt_id")] public string? PromptId { get; init; }

    [JsonPropertyName("created_at")] public required string CreatedAt { get; init; }

    [JsonPropertyName("updated_at")] public required string UpdatedAt { get; init; }

    [JsonPropertyName("last_access_time")] public required string LastAccessTime { get; init; }

    [JsonPropertyName("is_immutable")] public bool IsImmutable { get; init; }

    [JsonPropertyName("created_new")] public bool? CreatedNew { get; init; }
}

/// <summary>The Cloud spec's <c>AssetUpdated</c>.</summary>
public sealed record AssetUpdatedView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("asset_hash")] string AssetHash,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("mime_type")] string? MimeType,
    [property: JsonPropertyName("user_metadata")] RawJson UserMetadata,
    [property: JsonPropertyName("updated_at")] string UpdatedAt);

/// <summary>The Cloud spec's <c>ListAssetsResponse</c>.</summary>
public sealed record ListAssetsView(
    [property: JsonPropertyName("assets")] IReadOnlyList<AssetView> Assets,
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("has_more")] bool HasMore);

/// <summary>The Cloud spec's <c>TagInfo</c>.</summary>
public sealed record TagInfoView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("count")] long Count);

/// <summary>The Cloud spec's <c>ListTagsResponse</c>.</summary>
public sealed record ListTagsView(
    [property: JsonPropertyName("tags")] IReadOnlyList<TagInfoView> Tags,
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("has_more")] bool HasMore);

/// <summary>The Cloud spec's <c>AssetTagHistogramResponse</c>: most used first.</summary>
public sealed record TagHistogramView([property: JsonPropertyName("tag_counts")] Dictionary<string, long> TagCounts);

/// <summary>The Cloud spec's <c>TagsModificationResponse</c>: <c>added</c>/<c>already_present</c> or <c>removed</c>/<c>not_present</c>.</summary>
public sealed record TagsModificationView
{
    [JsonPropertyName("added")] public IReadOnlyList<string>? Added { get; init; }

    [JsonPropertyName("already_present")] public IReadOnlyList<string>? AlreadyPresent { get; init; }

    [JsonPropertyName("removed")] public IReadOnlyList<string>? Removed { get; init; }

    [JsonPropertyName("not_present")] public IReadOnlyList<string>? NotPresent { get; init; }

    [JsonPropertyName("total_tags")] public required IReadOnlyList<string> TotalTags { get; init; }
}

/// <summary>The Cloud spec's <c>AssetMetadataResponse</c>.</summary>
public sealed record RemoteMetadataView
{
    [JsonPropertyName("content_length")] public required long ContentLength { get; init; }

    [JsonPropertyName("content_type")] public string? ContentType { get; init; }

    [JsonPropertyName("filename")] public string? Filename { get; init; }

    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("tags")] public IReadOnlyList<string>? Tags { get; init; }
}

/// <summary>The Cloud spec's <c>AssetDownloadResponse</c>.</summary>
public sealed record AssetDownloadView(
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string? Message);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AssetView))]
[JsonSerializable(typeof(AssetUpdatedView))]
[JsonSerializable(typeof(ListAssetsView))]
[JsonSerializable(typeof(ListTagsView))]
[JsonSerializable(typeof(TagHistogramView))]
[JsonSerializable(typeof(TagsModificationView))]
[JsonSerializable(typeof(RemoteMetadataView))]
[JsonSerializable(typeof(AssetDownloadView))]
public sealed partial class CloudAssetJsonContext : JsonSerializerContext;
