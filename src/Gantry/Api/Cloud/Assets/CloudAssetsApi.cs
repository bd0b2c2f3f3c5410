using Gantry.Assets;
using Gantry.Auth;
using Gantry.Domain;
using Gantry.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Cloud.Assets;

/// <summary>
/// The Cloud spec's assets API, per user: <c>/api/assets</c> (list, upload), <c>/api/assets/{id}</c> (get, update,
/// delete), its tags, <c>/api/assets/from-hash</c>, <c>/api/assets/hash/{hash}</c>, <c>/api/assets/remote-metadata</c>,
/// <c>/api/assets/download</c>, <c>/api/tags</c> and <c>/api/assets/tags/refine</c>. Another user's asset id is 404,
/// as an unknown one is. The reads are here; writes in <see cref="AssetWriteEndpoints"/>, uploads in
/// <see cref="AssetUploadEndpoint"/>, URL downloads in <see cref="AssetDownloadEndpoints"/>.
/// </summary>
public static class CloudAssetsApi
{
    public const string Tag = "asset";

    public static IEndpointRouteBuilder MapCloudAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/assets", ListAsync).WithName("listAssets").WithTags(Tag);
        app.MapPost("/api/assets", AssetUploadEndpoint.UploadAsync).WithName("uploadAsset").WithTags(Tag);
        app.MapPost("/api/assets/from-hash", AssetWriteEndpoints.FromHashAsync).WithName("createAssetFromHash").WithTags(Tag);
        app.MapGet("/api/assets/remote-metadata", AssetDownloadEndpoints.RemoteMetadataAsync).WithName("getRemoteAssetMetadata").WithTags(Tag);
        app.MapPost("/api/assets/download", AssetDownloadEndpoints.DownloadAsync).WithName("createAssetDownload").WithTags(Tag);
        app.MapGet("/api/assets/tags/refine", RefineAsync).WithName("getAssetTagHistogram").WithTags(Tag);
        app.MapMethods("/api/assets/hash/{hash}", [HttpMethods.Head], HashExistsAsync).WithName("checkAssetByHash").WithTags(Tag);
        app.MapGet("/api/assets/{id}", GetAsync).WithName("getAssetById").WithTags(Tag);
        app.MapPut("/api/assets/{id}", AssetWriteEndpoints.UpdateAsync).WithName("updateAsset").WithTags(Tag);
        app.MapDelete("/api/assets/{id}", AssetWriteEndpoints.DeleteAsync).WithName("deleteAsset").WithTags(Tag);
        app.MapPost("/api/assets/{id}/tags", AssetWriteEndpoints.AddTagsAsync).WithName("addAssetTags").WithTags(Tag);
        app.MapDelete("/api/assets/{id}/tags", AssetWriteEndpoints.RemoveTagsAsync).WithName("removeAssetTags").WithTags(Tag);
        app.MapGet("/api/tags", ListTagsAsync).WithName("listTags").WithTags(Tag);
        return app;
    }

    public static async Task<Results<JsonHttpResult<ListAssetsView>, JsonHttpResult<ErrorResponse>>> ListAsync(
        HttpContext context, IAssetStore assets, AssetViews views, IOptions<AssetOptions> options)
    {
        var (query, error) = AssetQueryReader.ReadList(context.Request.Query, options.Value);
        if (query is null)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, error!);
        }

        var page = await assets.ListAsync(context.GetCaller().UserId, query, context.RequestAborted);
        var list = page.Assets.Select(asset => views.View(asset, context.Request)).ToList();
        return TypedResults.Json(
            new ListAssetsView(list, page.Total, query.Offset + list.Count < page.Total), CloudAssetJsonContext.Default.ListAssetsView);
    }

    public static async Task<Results<JsonHttpResult<AssetView>, JsonHttpResult<ErrorResponse>>> GetAsync(
        string id, HttpContext context, IAssetStore assets, AssetViews views)
    {
        if (ParseId(id) is not { } assetId || await assets.GetAsync(context.GetCaller().UserId, assetId, context.RequestAborted) is not { } asset)
        {
            return NotFound(id);
        }

        return TypedResults.Json(views.View(asset, context.Request), CloudAssetJsonContext.Default.AssetView);
    }

    /// <summary>200 when the caller has content with this BLAKE3 hash, 404 when not; 400 when the hash is not <c>blake3:</c> and 64 hex digits.</summary>
    public static async Task<Results<Ok, NotFound, JsonHttpResult<ErrorResponse>>> HashExistsAsync(string hash, HttpContext context, IAssetStore assets)
    {
        if (AssetHash.TryParse(hash, allowSha256: false) is not { } parsed)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "hash must be blake3: followed by 64 lowercase hex digits.");
        }

        return await assets.FindMintableBlobAsync(context.GetCaller().UserId, parsed, context.RequestAborted) is null
            ? TypedResults.NotFound()
            : TypedResults.Ok();
    }

    public static async Task<Results<JsonHttpResult<ListTagsView>, JsonHttpResult<ErrorResponse>>> ListTagsAsync(
        HttpContext context, IAssetStore assets, IOptions<AssetOptions> options)
    {
        var query = context.Request.Query;
        if (!QueryParameters.TryReadInt(query, "limit", 100, 1, 1000, out var limit, out var error)
            || !QueryParameters.TryReadInt(query, "offset", 0, 0, int.MaxValue, out var offset, out error)
            || !AssetQueryReader.TryReadBool(query, "include_zero", out _, out error)
            || !AssetQueryReader.TryReadBool(query, "include_public", out _, out error))
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, error!);
        }

        var order = QueryParameters.Single(query, "order") is { Length: > 0 } o ? o : "count_desc";
        if (order is not ("count_desc" or "name_asc"))
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, $"order must be count_desc or name_asc, got '{ApiResults.Truncate(order)}'.");
        }

        var prefix = QueryParameters.Single(query, "prefix");
        if (prefix is not null && (!WellFormedText.IsWellFormed(prefix) || System.Text.Encoding.UTF8.GetByteCount(prefix) > options.Value.MaxTagBytes))
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, $"prefix must be valid Unicode text of at most {options.Value.MaxTagBytes} bytes.");
        }

        var page = await assets.ListTagsAsync(
            context.GetCaller().UserId, new TagQuery(prefix, order == "name_asc", limit, offset), context.RequestAborted);
        return TypedResults.Json(
            new ListTagsView([.. page.Tags.Select(t => new TagInfoView(t.Tag, t.Count))], page.Total, offset + page.Tags.Count < page.Total),
            CloudAssetJsonContext.Default.ListTagsView);
    }

    public static async Task<Results<JsonHttpResult<TagHistogramView>, JsonHttpResult<ErrorResponse>>> RefineAsync(
        HttpContext context, IAssetStore assets, IOptions<AssetOptions> options)
    {
        var query = context.Request.Query;
        var (filter, error) = AssetQueryReader.ReadFilter(query, options.Value);
        if (filter is null
            || !QueryParameters.TryReadInt(query, "limit", 100, 1, 1000, out var limit, out error)
            || !AssetQueryReader.TryReadBool(query, "include_public", out _, out error))
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, error!);
        }

        var counts = await assets.TagHistogramAsync(context.GetCaller().UserId, filter, limit, context.RequestAborted);
        return TypedResults.Json(
            new TagHistogramView(counts.ToDictionary(c => c.Tag, c => c.Count, StringComparer.Ordinal)), CloudAssetJsonContext.Default.TagHistogramView);
    }

    /// <summary>The id in a path, or null when it is no UUID (then no asset has it: 404, as the spec lists no 400 there).</summary>
    public static Guid? ParseId(string id) => Guid.TryParseExact(id, "D", out var parsed) ? parsed : null;

    public static JsonHttpResult<ErrorResponse> NotFound(string id) => ApiResults.NotFound($"Asset '{ApiResults.Truncate(id)}' not found.");
}
