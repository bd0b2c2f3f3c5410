using Gantry.Assets;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Outputs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Cloud.Assets;

/// <summary>
/// <c>POST /api/assets</c>. A multipart form is read as a stream by <see cref="AssetFormReader"/> (the bytes into the
/// store, hashed on the way; 413 past <see cref="AssetOptions.MaxUploadBytes"/>, nothing kept); the fields around the
/// file (<c>name</c>, <c>tags</c>, <c>mime_type</c>, <c>user_metadata</c>, <c>id</c>, <c>preview_id</c>) are checked here. A JSON body (<c>{url, name, …}</c>) downloads from the URL
/// (<see cref="AssetDownloadEndpoints"/>). As the spec says, when the caller already has an asset with the same
/// content, that one is returned (200, <c>created_new: false</c>); else 201.
/// </summary>
public static class AssetUploadEndpoint
{
    public static async Task<Results<JsonHttpResult<AssetView>, JsonHttpResult<ErrorResponse>>> UploadAsync(
        HttpContext context, IAssetStore assets, AssetViews views, IOptions<AssetOptions> options, IOptions<ApiOptions> api, RemoteAssetFetcher fetcher)
    {
        var limits = options.Value;
        var request = context.Request;
        if (request.HasJsonContentType())
        {
            return await AssetDownloadEndpoints.UploadFromUrlAsync(context, assets, views, limits, api.Value, fetcher);
        }

        var (read, refusal) = await AssetFormReader.ReadAsync(context, assets, limits);
        if (read is null)
        {
            return refusal!.Status == StatusCodes.Status415UnsupportedMediaType
                ? ApiResults.Error(refusal.Status, ErrorCodes.InvalidRequest, "Send the asset as multipart/form-data with the bytes in 'file', or JSON {url, name} to download it.")
                : ApiResults.Error(refusal.Status, refusal.Status == StatusCodes.Status413PayloadTooLarge ? ErrorCodes.PayloadTooLarge : ErrorCodes.InvalidRequest, refusal.Message);
        }

        var form = new UploadForm(read);
        var blob = read.Blob!;
        var (draft, problem) = await form.ToDraftAsync(context, assets, limits);
        if (draft is null)
        {
            await read.DiscardAsync(assets);
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, problem!);
        }

        return await CreateAsync(context, assets, views, draft, blob);
    }

    /// <summary>
    /// The caller's existing asset when they have one with this id or with this content (200), else a new one
    /// (<paramref name="createdStatus"/>: 201, or 200 where the route documents no 201).
    /// </summary>
    internal static async Task<Results<JsonHttpResult<AssetView>, JsonHttpResult<ErrorResponse>>> CreateAsync(
        HttpContext context, IAssetStore assets, AssetViews views, AssetDraft draft, AssetBlob blob, int createdStatus = StatusCodes.Status201Created)
    {
        var userId = context.GetCaller().UserId;
        var existing = draft.Id is { } id
            ? await assets.GetAsync(userId, id, context.RequestAborted)
            : await assets.FindByHashAsync(userId, new AssetHash(AssetHashKind.Sha256, blob.Sha256), null, context.RequestAborted);
        if (existing is not null)
        {
            return TypedResults.Json(views.View(existing, context.Request, createdNew: false), CloudAssetJsonContext.Default.AssetView);
        }

        AssetCreation created;
        try
        {
            created = await assets.CreateAsync(userId, draft, blob, context.RequestAborted);
        }
        catch (AssetIdTakenException)
        {
            await assets.DiscardAsync(blob, CancellationToken.None);
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "id is already in use: choose another UUID.");
        }
        catch (AssetContentMissingException missing)
        {
            return ApiResults.Error(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, missing.Message);
        }

        return TypedResults.Json(
            views.View(created.Asset, context.Request, createdNew: created.CreatedNew), CloudAssetJsonContext.Default.AssetView,
            statusCode: created.CreatedNew ? createdStatus : StatusCodes.Status200OK);
    }

    /// <summary>What the form said besides the bytes.</summary>
    private sealed class UploadForm(AssetForm form)
    {
        private AssetBlob Blob => form.Blob!;

        private string? FileName => form.FileName;

        private string? PartType => form.PartType;

        public async Task<(AssetDraft? Draft, string? Problem)> ToDraftAsync(HttpContext context, IAssetStore assets, AssetOptions options)
        {
            var name = Last("name") ?? UserFiles.BaseName(FileName) ?? Blob.Sha256;
            if (AssetRules.NameProblem(name) is { } nameProblem)
            {
                return (null, nameProblem);
            }

            var (tags, tagProblem) = AssetFields.ReadFormTags(form.All("tags"), options);
            if (tags is null)
            {
                return (null, tagProblem);
            }

            var mime = Last("mime_type") ?? (PartType is { Length: > 0 } part && part != "application/octet-stream" ? part : OutputImporter.ContentTypeOf(name));
            if (AssetRules.MimeTypeProblem(mime) is { } mimeProblem)
            {
                return (null, mimeProblem);
            }

            string? metadata = null;
            if (Last("user_metadata") is { } metadataText)
            {
                try
                {
                    using var document = System.Text.Json.JsonDocument.Parse(metadataText);
                    (metadata, var metadataProblem) = AssetRules.NormalizeMetadata(document.RootElement, options);
                    if (metadata is null)
                    {
                        return (null, metadataProblem);
                    }
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
                {
                    return (null, "user_metadata must be a JSON object.");
                }
            }

            Guid? id = null, preview = null;
            if (Last("id") is { } idText)
            {
                id = Guid.TryParseExact(idText, "D", out var parsed) ? parsed : null;
                if (id is null)
                {
                    return (null, "id must be a UUID.");
                }
            }

            if (Last("preview_id") is { } previewText)
            {
                preview = Guid.TryParseExact(previewText, "D", out var parsed) ? parsed : null;
                if (preview is null || !await assets.IsOwnedByAsync(context.GetCaller().UserId, preview.Value, context.RequestAborted))
                {
                    return (null, "preview_id must name one of your assets.");
                }
            }

            return (new AssetDraft { Id = id, Name = name, MimeType = mime, Tags = tags, UserMetadata = metadata, PreviewId = preview }, null);
        }

        private string? Last(string name) => form.Last(name);
    }
}
