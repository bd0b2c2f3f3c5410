using System.Text.Json;
using Gantry.Api.V2.Contracts;
using Gantry.Assets;
using Gantry.Auth;
using Gantry.Outputs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.V2;

/// <summary>
/// Comfy API v2 assets (<c>openapi-v2.yaml</c>) over Gantry's one asset store, the one the Cloud assets API uses:
/// upload (<see cref="V2AssetUpload"/>), mint from a hash, existence by hash, get, delete and content. Per user: another
/// user's asset, an unknown id and an expired one all answer 404 <c>not_found</c>; a blob is mintable by hash only by a
/// user who already has an asset over it, so a hash never tells whether someone else has the bytes.
/// </summary>
public static class V2AssetsApi
{
    public static IEndpointRouteBuilder MapV2Assets(this IEndpointRouteBuilder app)
    {
        var assets = app.MapGroup("/api/v2/assets").WithTags("v2 assets");
        assets.MapPost("", V2AssetUpload.UploadAsync).WithName("postAssets");
        assets.MapPost("/from-hash", FromHashAsync).WithName("assetFromHash");
        assets.MapMethods("/by-hash/{hash}", [HttpMethods.Head], HashExistsAsync).WithName("headAssetByHash");
        assets.MapGet("/{id}", GetAsync).WithName("getAsset");
        assets.MapDelete("/{id}", DeleteAsync).WithName("v2DeleteAsset");
        assets.MapGet("/{id}/content", ContentAsync).WithName("getAssetContent");
        return app;
    }

    public static async Task<Results<JsonHttpResult<V2Asset>, JsonHttpResult<V2ErrorEnvelope>>> GetAsync(string id, HttpContext context, V2AssetViews views)
        => await views.FindAsync(context, id) is { } asset ? Asset(views.View(asset, context.Request)) : AssetNotFound();

    public static async Task<Results<NoContent, JsonHttpResult<V2ErrorEnvelope>>> DeleteAsync(
        string id, HttpContext context, IAssetStore assets, V2AssetViews views)
        => await views.FindAsync(context, id) is { } asset && await assets.DeleteAsync(asset.UserId, asset.Id, context.RequestAborted)
            ? TypedResults.NoContent()
            : AssetNotFound();

    /// <summary>The bytes, served here (self-hosted: no redirect), with byte ranges (206, 416) and the hash as ETag.</summary>
    public static async Task<Results<PhysicalFileHttpResult, JsonHttpResult<V2ErrorEnvelope>>> ContentAsync(
        string id, HttpContext context, IAssetStore assets, V2AssetViews views, ContentStore blobs)
    {
        if (await views.FindAsync(context, id) is not { } found
            || await assets.OpenContentAsync(found.UserId, found.Id, context.RequestAborted) is not { } content)
        {
            return AssetNotFound();
        }

        var asset = content.Asset;
        return FileResponses.Serve(context, blobs, asset.Sha256, asset.Name, asset.MimeType ?? OutputImporter.ContentTypeOf(asset.Name)) is { } file
            ? file
            : AssetNotFound();
    }

    /// <summary>200 when the caller may mint from the blob with this <c>blake3:</c> hash, else 404 (a malformed hash names none).</summary>
    public static async Task<Results<Ok, NotFound>> HashExistsAsync(string hash, HttpContext context, IAssetStore assets)
        => AssetHash.TryParse(hash, allowSha256: false) is { } parsed
            && await assets.FindMintableBlobAsync(context.GetCaller().UserId, parsed, context.RequestAborted) is not null
            ? TypedResults.Ok()
            : TypedResults.NotFound();

    /// <summary>
    /// A new asset over a blob the caller already has (201), or their existing asset over it under the same
    /// <c>file_path</c> (200). A hash the caller may not mint from, or no <c>blake3:</c> hash at all, is 404
    /// <c>blob_not_found</c>. <c>created_new</c> is false either way: no new bytes were stored.
    /// </summary>
    public static async Task<Results<JsonHttpResult<V2Asset>, JsonHttpResult<V2ErrorEnvelope>>> FromHashAsync(
        HttpContext context, IAssetStore assets, V2AssetViews views, IOptions<ApiOptions> api, IOptions<AssetOptions> options)
    {
        var limit = api.Value.MaxRequestBodyBytes;
        if (await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted) is not { } body)
        {
            return V2Errors.Error(StatusCodes.Status413PayloadTooLarge, V2Errors.PayloadTooLarge, $"The request body is larger than the limit of {limit} bytes.");
        }

        using var document = RequestBody.TryParse(body, out var parseError);
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root)
        {
            return V2Errors.Unprocessable(V2Errors.InvalidRequest, $"The body must be a JSON object: {parseError ?? "it is not one."}");
        }

        var (fields, problem) = V2AssetFields.ReadJson(root, options.Value);
        if (fields is null)
        {
            return V2Errors.Unprocessable(V2Errors.InvalidRequest, problem!);
        }

        var userId = context.GetCaller().UserId;
        if (!root.TryGetProperty("hash", out var hashValue) || hashValue.ValueKind != JsonValueKind.String
            || AssetHash.TryParse(hashValue.GetString(), allowSha256: false) is not { } hash
            || await assets.FindMintableBlobAsync(userId, hash, context.RequestAborted) is not { } blob)
        {
            return V2Errors.Error(
                StatusCodes.Status404NotFound, V2Errors.BlobNotFound, "You have no content with this hash (written blake3: and 64 lowercase hex digits).");
        }

        var name = fields.FilePath ?? (await assets.FindByHashAsync(userId, hash, null, context.RequestAborted))?.Name ?? hash.Hex;
        if (await assets.FindByHashAsync(userId, hash, name, context.RequestAborted) is { } existing && !views.IsExpired(existing))
        {
            return Asset(views.View(existing, context.Request, createdNew: false));
        }

        var draft = new AssetDraft
        {
            Name = name,
            MimeType = OutputImporter.ContentTypeOf(name),
            Tags = fields.Tags,
            ExpiresAtMs = views.ExpiresAtMs(fields.ExpiresIn),
        };
        try
        {
            var created = await assets.CreateAsync(userId, draft, blob, context.RequestAborted);
            return Asset(views.View(created.Asset, context.Request, createdNew: false), StatusCodes.Status201Created);
        }
        catch (AssetContentMissingException)
        {
            return V2Errors.Error(StatusCodes.Status404NotFound, V2Errors.BlobNotFound, "The content was deleted meanwhile.");
        }
    }

    public static JsonHttpResult<V2Asset> Asset(V2Asset asset, int status = StatusCodes.Status200OK)
        => TypedResults.Json(asset, V2JsonContext.Default.V2Asset, contentType: "application/json", statusCode: status);

    public static JsonHttpResult<V2ErrorEnvelope> AssetNotFound() => V2Errors.Error(StatusCodes.Status404NotFound, V2Errors.NotFound, "No such asset.");
}
