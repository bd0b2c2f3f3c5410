using System.Globalization;
using Gantry.Api.Json;
using Gantry.Assets;
using Gantry.Outputs;

namespace Gantry.Api.Cloud.Assets;

/// <summary>Turns stored assets into the Cloud spec's shapes: ISO 8601 UTC times, <c>blake3:</c> hashes, a signed preview link for images.</summary>
public sealed class AssetViews(SignedFileUrls links)
{
    public AssetView View(Asset asset, HttpRequest request, bool? createdNew = null)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(request);
        return new AssetView
        {
            Id = asset.Id.ToString("D"),
            Name = asset.Name,
            AssetHash = asset.Hash,
            Size = asset.Size,
            MimeType = asset.MimeType,
            Tags = asset.Tags,
            UserMetadata = Metadata(asset.UserMetadata),
            PreviewUrl = PreviewUrl(asset, request),
            PreviewId = asset.PreviewId?.ToString("D"),
            PromptId = asset.JobId?.ToString("D"),
            CreatedAt = Time(asset.CreatedAtMs),
            UpdatedAt = Time(asset.UpdatedAtMs),
            LastAccessTime = Time(asset.LastAccessMs),
            CreatedNew = createdNew,
        };
    }

    public static AssetUpdatedView Updated(Asset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return new AssetUpdatedView(asset.Id.ToString("D"), asset.Name, asset.Hash, asset.Tags, asset.MimeType, Metadata(asset.UserMetadata), Time(asset.UpdatedAtMs));
    }

    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static RawJson Metadata(string? json) => json is null ? RawJson.EmptyObject : new RawJson(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>For images: an absolute, signed, short-lived link to the bytes (as <c>/api/view</c> gives), else null.</summary>
    private string? PreviewUrl(Asset asset, HttpRequest request) =>
        asset.MimeType is { } type && type.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
            ? $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{links.CreatePath(asset.Sha256, asset.Name)}"
            : null;
}
