using System.Text.Json.Serialization;
using Gantry.Api.Cloud.Contracts;
using Gantry.Api.Json;

namespace Gantry.Api.Comfy.Contracts;

/// <summary>
/// The server's feature flags: <c>GET /features</c>, <c>GET /api/features</c>, and the reply to a socket's
/// <c>feature_flags</c> message.
/// </summary>
public sealed record ServerFeatures(
    [property: JsonPropertyName("supports_preview_metadata")] bool SupportsPreviewMetadata,
    [property: JsonPropertyName("max_upload_size")] long MaxUploadSize);

/// <summary>The WebSocket message <c>{"type": "feature_flags", "data": {…}}</c>.</summary>
public sealed record FeatureFlagsMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("data")] ServerFeatures Data);

/// <summary>The answer of <c>POST /upload/image</c>: note <c>name</c>, not <c>filename</c>.</summary>
public sealed record UploadResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("subfolder")] string Subfolder,
    [property: JsonPropertyName("type")] string Type);

/// <summary>
/// One value of OSS <c>GET /history</c>: <c>prompt</c> is the queue tuple
/// <c>[number, prompt_id, prompt, extra_data, outputs_to_execute]</c>.
/// </summary>
public sealed record OssHistoryEntry
{
    [JsonPropertyName("prompt")]
    public required QueueItem Prompt { get; init; }

    [JsonPropertyName("outputs")]
    public required RawJson Outputs { get; init; }

    [JsonPropertyName("status")]
    public required RawJson Status { get; init; }

    [JsonPropertyName("meta")]
    public required RawJson Meta { get; init; }
}

/// <summary>The error body of OSS ComfyUI's <c>/api/jobs…</c> routes: <c>{"error": "…"}</c>.</summary>
public sealed record OssError([property: JsonPropertyName("error")] string Error);

/// <summary>OSS <c>POST /api/jobs/cancel</c> naming the ids it could not read.</summary>
public sealed record OssInvalidIdsError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("invalid_ids")] IReadOnlyList<RawJson> InvalidIds);
