using System.Text.Json;
using Gantry.Assets;
using Gantry.Auth;
using Gantry.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Cloud.Assets;

/// <summary>The asset routes that change records: from-hash, update, delete, add and remove tags.</summary>
public static class AssetWriteEndpoints
{
    /// <summary>
    /// A new asset over content the caller already has (by <c>blake3:</c> or <c>sha256:</c> hash): 201; 200 with the
    /// existing asset when the caller already has one over it under the same name; 404 when the caller has no such content.
    /// </summary>
    public static async Task<Results<JsonHttpResult<AssetView>, JsonHttpResult<ErrorResponse>>> FromHashAsync(
        HttpContext context, IAssetStore assets, AssetViews views, IOptions<ApiOptions> api, IOptions<AssetOptions> options)
    {
        var (body, error) = await ReadObjectAsync(context, api.Value);
        if (body is null)
        {
            return error!;
        }

        using (body)
        {
            var root = body.RootElement;
            if (!root.TryGetProperty("hash", out var hashValue) || hashValue.ValueKind != JsonValueKind.String
                || AssetHash.TryParse(hashValue.GetString()) is not { } hash)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "hash is required: blake3: or sha256: followed by 64 lowercase hex digits.");
            }

            var (fields, problem) = AssetFields.Read(root, options.Value);
            if (fields is null)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, problem!);
            }

            if (fields.Tags is not { Count: > 0 } tags)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "tags is required: an array of at least one tag.");
            }

            var userId = context.GetCaller().UserId;
            if (await assets.FindMintableBlobAsync(userId, hash, context.RequestAborted) is not { } blob)
            {
                return ApiResults.NotFound($"No content with hash {hash} is stored for you.");
            }

            var name = fields.Name ?? (await assets.FindByHashAsync(userId, hash, null, context.RequestAborted))?.Name ?? hash.Hex;
            if (await assets.FindByHashAsync(userId, hash, name, context.RequestAborted) is { } existing)
            {
                return TypedResults.Json(views.View(existing, context.Request, createdNew: false), CloudAssetJsonContext.Default.AssetView);
            }

            var draft = new AssetDraft { Name = name, MimeType = fields.MimeType ?? Gantry.Outputs.OutputImporter.ContentTypeOf(name), Tags = tags, UserMetadata = fields.UserMetadata };
            var created = await assets.CreateAsync(userId, draft, blob, context.RequestAborted);
            return TypedResults.Json(
                views.View(created.Asset, context.Request, createdNew: true), CloudAssetJsonContext.Default.AssetView,
                statusCode: StatusCodes.Status201Created);
        }
    }

    /// <summary>Changes name, tags, mime type, preview or metadata; 400 when the body sets none of them.</summary>
    public static async Task<Results<JsonHttpResult<AssetUpdatedView>, JsonHttpResult<ErrorResponse>>> UpdateAsync(
        string id, HttpContext context, IAssetStore assets, IOptions<ApiOptions> api, IOptions<AssetOptions> options)
    {
        var (body, error) = await ReadObjectAsync(context, api.Value);
        if (body is null)
        {
            return error!;
        }

        using (body)
        {
            var (fields, problem) = AssetFields.Read(body.RootElement, options.Value);
            if (fields is null)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, problem!);
            }

            if (fields.Count == 0 || fields.Id is not null)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "Give at least one of name, tags, mime_type, preview_id, user_metadata (and no id).");
            }

            var userId = context.GetCaller().UserId;
            if (CloudAssetsApi.ParseId(id) is not { } assetId)
            {
                return CloudAssetsApi.NotFound(id);
            }

            if (fields.PreviewId is { } preview && !await assets.IsOwnedByAsync(userId, preview, context.RequestAborted))
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "preview_id must name one of your assets.");
            }

            var changes = new AssetChanges
            {
                Name = fields.Name,
                MimeType = fields.MimeType,
                Tags = fields.Tags,
                UserMetadata = fields.UserMetadata,
                PreviewId = fields.PreviewId,
            };
            return await assets.UpdateAsync(userId, assetId, changes, context.RequestAborted) is { } updated
                ? TypedResults.Json(AssetViews.Updated(updated), CloudAssetJsonContext.Default.AssetUpdatedView)
                : CloudAssetsApi.NotFound(id);
        }
    }

    public static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> DeleteAsync(string id, HttpContext context, IAssetStore assets) =>
        CloudAssetsApi.ParseId(id) is { } assetId && await assets.DeleteAsync(context.GetCaller().UserId, assetId, context.RequestAborted)
            ? TypedResults.NoContent()
            : CloudAssetsApi.NotFound(id);

    public static Task<Results<JsonHttpResult<TagsModificationView>, JsonHttpResult<ErrorResponse>>> AddTagsAsync(
        string id, HttpContext context, IAssetStore assets, IOptions<ApiOptions> api, IOptions<AssetOptions> options) =>
        ChangeTagsAsync(id, context, assets, api.Value, options.Value, add: true);

    public static Task<Results<JsonHttpResult<TagsModificationView>, JsonHttpResult<ErrorResponse>>> RemoveTagsAsync(
        string id, HttpContext context, IAssetStore assets, IOptions<ApiOptions> api, IOptions<AssetOptions> options) =>
        ChangeTagsAsync(id, context, assets, api.Value, options.Value, add: false);

    private static async Task<Results<JsonHttpResult<TagsModificationView>, JsonHttpResult<ErrorResponse>>> ChangeTagsAsync(
        string id, HttpContext context, IAssetStore assets, ApiOptions api, AssetOptions options, bool add)
    {
        var (body, error) = await ReadObjectAsync(context, api);
        if (body is null)
        {
            return error!;
        }

        using (body)
        {
            if (!body.RootElement.TryGetProperty("tags", out var tagsValue))
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "tags is required: an array of at least one tag.");
            }

            var (fields, problem) = AssetFields.Read(body.RootElement, options);
            if (fields?.Tags is not { Count: > 0 } tags)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, problem ?? "tags must be an array of at least one tag.");
            }

            if (CloudAssetsApi.ParseId(id) is not { } assetId)
            {
                return CloudAssetsApi.NotFound(id);
            }

            var userId = context.GetCaller().UserId;
            AssetTagChange? change;
            try
            {
                change = add
                    ? await assets.AddTagsAsync(userId, assetId, tags, context.RequestAborted)
                    : await assets.RemoveTagsAsync(userId, assetId, tags, context.RequestAborted);
            }
            catch (TooManyTagsException tooMany)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, tooMany.Message);
            }

            if (change is null)
            {
                return CloudAssetsApi.NotFound(id);
            }

            var view = add
                ? new TagsModificationView { Added = change.Changed, AlreadyPresent = change.Unchanged, TotalTags = change.Tags }
                : new TagsModificationView { Removed = change.Changed, NotPresent = change.Unchanged, TotalTags = change.Tags };
            return TypedResults.Json(view, CloudAssetJsonContext.Default.TagsModificationView);
        }
    }

    /// <summary>The body as a JSON object (Gantry's body rules: size, depth, no lone surrogates), or the 400/413 to answer.</summary>
    internal static async Task<(JsonDocument? Body, JsonHttpResult<ErrorResponse>? Error)> ReadObjectAsync(HttpContext context, ApiOptions api)
    {
        var (document, error) = await JsonBodyReader.ReadAsync(context, api, allowEmpty: false);
        if (document is null)
        {
            return (null, error);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, ApiResults.BadRequest(ErrorCodes.InvalidRequest, "The body must be a JSON object."));
        }

        return (document, null);
    }
}
