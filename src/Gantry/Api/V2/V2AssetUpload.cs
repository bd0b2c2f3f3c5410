using Gantry.Api.Cloud.Assets;
using Gantry.Api.V2.Contracts;
using Gantry.Assets;
using Gantry.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.V2;

/// <summary>
/// <c>POST /api/v2/assets</c>: a multipart form (<c>file</c>, <c>content_type</c>, <c>file_path</c>, optional
/// <c>expected_hash</c>, <c>tags</c>, <c>expires_in</c>) read as a stream by <see cref="AssetFormReader"/>, the same
/// reader as the Cloud upload: the bytes go into the content store hashed (BLAKE3 and SHA-256) on the way, identical
/// bytes are stored once. Every upload mints a new asset record: 201 with <c>created_new: true</c> when the caller had
/// no asset over these bytes, else 200 and <c>false</c> (judged per caller, so an upload never tells whether another
/// user has the same bytes). An <c>expected_hash</c> that differs from the computed one is 409 <c>hash_mismatch</c>
/// and nothing is kept; an invalid field is 422; a body past <see cref="AssetOptions.MaxUploadBytes"/> is 413.
/// </summary>
public static class V2AssetUpload
{
    public static async Task<Results<JsonHttpResult<V2Asset>, JsonHttpResult<V2ErrorEnvelope>>> UploadAsync(
        HttpContext context, IAssetStore assets, V2AssetViews views, IOptions<AssetOptions> options)
    {
        var (form, refusal) = await AssetFormReader.ReadAsync(context, assets, options.Value);
        if (form is null)
        {
            return refusal!.Status == StatusCodes.Status413PayloadTooLarge
                ? V2Errors.Error(refusal.Status, V2Errors.PayloadTooLarge, refusal.Message)
                : V2Errors.Unprocessable(V2Errors.InvalidRequest, refusal.Message);
        }

        var blob = form.Blob!;
        var (fields, problem) = V2AssetFields.ReadForm(form, options.Value);
        var contentType = form.Last("content_type");
        problem ??= contentType is null || AssetRules.MimeTypeProblem(contentType) is not null ? "content_type is required: a MIME type such as image/png." : null;
        AssetHash? expected = null;
        if (problem is null && form.Last("expected_hash") is { } expectedText)
        {
            expected = AssetHash.TryParse(expectedText, allowSha256: false);
            problem = expected is null ? "expected_hash must be blake3: followed by 64 lowercase hex digits." : null;
        }

        if (problem is not null)
        {
            await form.DiscardAsync(assets);
            return V2Errors.Unprocessable(V2Errors.InvalidRequest, problem);
        }

        if (expected is { } hash && hash.Hex != blob.Blake3)
        {
            await form.DiscardAsync(assets);
            return V2Errors.Error(
                StatusCodes.Status409Conflict, V2Errors.HashMismatch, $"The bytes hash to {AssetHash.FormatBlake3(blob.Blake3)}, not {hash}; nothing was stored.");
        }

        var userId = context.GetCaller().UserId;
        var hadContent = await assets.FindMintableBlobAsync(userId, new AssetHash(AssetHashKind.Blake3, blob.Blake3), context.RequestAborted) is not null;
        var draft = new AssetDraft
        {
            Name = fields!.FilePath!,
            MimeType = contentType,
            Tags = fields.Tags,
            ExpiresAtMs = views.ExpiresAtMs(fields.ExpiresIn),
        };
        try
        {
            var created = await assets.CreateAsync(userId, draft, blob, context.RequestAborted);
            return V2AssetsApi.Asset(
                views.View(created.Asset, context.Request, createdNew: !hadContent), hadContent ? StatusCodes.Status200OK : StatusCodes.Status201Created);
        }
        catch (AssetContentMissingException)
        {
            return V2Errors.Error(StatusCodes.Status500InternalServerError, V2Errors.UpstreamError, "The upload could not be stored; send it again.");
        }
    }
}
