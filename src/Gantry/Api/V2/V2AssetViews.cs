using Gantry.Api.Comfy;
using Gantry.Api.V2.Contracts;
using Gantry.Assets;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Outputs;
using Microsoft.Extensions.Options;

namespace Gantry.Api.V2;

/// <summary>
/// The v2 view of the asset store: a caller's assets that are not past their <c>expires_at</c>, each as the v2
/// <c>Asset</c> with a fresh signed content link (valid <see cref="ComfyOptions.SignedUrlLifetime"/>).
/// </summary>
public sealed class V2AssetViews(IAssetStore assets, SignedFileUrls links, IOptions<V2Options> options, IOptions<ComfyOptions> comfy, TimeProvider time)
{
    /// <summary>The caller's live asset with this id (a UUID), or null: malformed, unknown, another user's, or expired.</summary>
    public async Task<Asset?> FindAsync(long userId, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Guid.TryParseExact(id, "D", out var assetId) && await assets.GetAsync(userId, assetId, cancellationToken) is { } asset && !IsExpired(asset)
            ? asset
            : null;
    }

    public Task<Asset?> FindAsync(HttpContext context, string id)
    {
        ArgumentNullException.ThrowIfNull(context);
        return FindAsync(context.GetCaller().UserId, id, context.RequestAborted);
    }

    public bool IsExpired(Asset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return asset.ExpiresAtMs is { } expires && time.GetUtcNow().ToUnixTimeMilliseconds() >= expires;
    }

    /// <summary>The deadline of a new asset: now + <paramref name="expiresIn"/> seconds, else the configured retention, else none.</summary>
    public long? ExpiresAtMs(int? expiresIn)
    {
        var retention = expiresIn is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.AssetRetention;
        return retention is { } span ? (time.GetUtcNow() + span).ToUnixTimeMilliseconds() : null;
    }

    public V2Asset View(Asset asset, HttpRequest request, bool? createdNew = null)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(request);
        var urlExpires = time.GetUtcNow() + comfy.Value.SignedUrlLifetime;
        var origin = $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";
        return new V2Asset(
            asset.Id.ToString("D"),
            asset.Hash,
            asset.Size,
            asset.MimeType ?? OutputImporter.ContentTypeOf(asset.Name),
            asset.Name,
            createdNew,
            ResourceLinks.Iso(asset.CreatedAtMs),
            origin + links.CreatePath(asset.Sha256, asset.Name, urlExpires),
            ResourceLinks.Iso(urlExpires),
            asset.ExpiresAtMs is { } expires ? ResourceLinks.Iso(expires) : null,
            asset.JobId?.ToString("D"));
    }
}
