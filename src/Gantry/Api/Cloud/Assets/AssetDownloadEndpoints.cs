using System.Text.Json;
using Gantry.Assets;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Outputs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Cloud.Assets;

/// <summary>
/// The asset routes that reach out to a URL: <c>POST /api/assets</c> with <c>{url, name}</c>,
/// <c>POST /api/assets/download</c> and <c>GET /api/assets/remote-metadata</c>. Fetches go through
/// <see cref="RemoteAssetFetcher"/> (public addresses only unless <c>Gantry:Assets:AllowPrivateAddresses</c>, time-outs,
/// size bound). A download runs within the request and answers with the asset (Gantry has no background task API).
/// </summary>
public static class AssetDownloadEndpoints
{
    internal static async Task<Results<JsonHttpResult<AssetView>, JsonHttpResult<ErrorResponse>>> UploadFromUrlAsync(
        HttpContext context, IAssetStore assets, AssetViews views, AssetOptions options, ApiOptions api, RemoteAssetFetcher fetcher)
    {
        var (body, error) = await AssetWriteEndpoints.ReadObjectAsync(context, api);
        if (body is null)
        {
            return error!;
        }

        using (body)
        {
            var root = body.RootElement;
            if (RemoteAssetFetcher.ParseUrl(StringOf(root, "url")) is not { } url)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "url is required: an absolute http or https URL.");
            }

            var (fields, problem) = AssetFields.Read(root, options);
            if (fields is null || fields.Name is null)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, problem ?? "name is required.");
            }

            return await FetchAndCreateAsync(context, assets, views, fetcher, url, fields, uploadStatuses: true);
        }
    }

    public static async Task<Results<JsonHttpResult<AssetView>, JsonHttpResult<ErrorResponse>>> DownloadAsync(
        HttpContext context, IAssetStore assets, AssetViews views, IOptions<AssetOptions> options, IOptions<ApiOptions> api, RemoteAssetFetcher fetcher)
    {
        var (body, error) = await AssetWriteEndpoints.ReadObjectAsync(context, api.Value);
        if (body is null)
        {
            return error!;
        }

        using (body)
        {
            var root = body.RootElement;
            if (RemoteAssetFetcher.ParseUrl(StringOf(root, "source_url")) is not { } url)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "source_url is required: an absolute http or https URL.");
            }

            var (fields, problem) = AssetFields.Read(root, options.Value);
            if (fields is null)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidParameter, problem!);
            }

            return await FetchAndCreateAsync(context, assets, views, fetcher, url, fields with { Id = null }, uploadStatuses: false);
        }
    }

    public static async Task<Results<JsonHttpResult<RemoteMetadataView>, JsonHttpResult<ErrorResponse>>> RemoteMetadataAsync(
        HttpContext context, RemoteAssetFetcher fetcher)
    {
        if (RemoteAssetFetcher.ParseUrl(QueryParameters.Single(context.Request.Query, "url")) is not { } url)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "url is required: an absolute http or https URL.");
        }

        try
        {
            var info = await fetcher.ProbeAsync(url, context.RequestAborted);
            return TypedResults.Json(
                new RemoteMetadataView { ContentLength = info.ContentLength, ContentType = info.MediaType, Filename = info.FileName, Name = info.FileName },
                CloudAssetJsonContext.Default.RemoteMetadataView);
        }
        catch (RemoteFetchException ex)
        {
            return ex.Failure == RemoteFetchFailure.AddressRefused
                ? ApiResults.BadRequest(UrlNotAllowed, ex.Message)
                : ApiResults.Error(StatusCodes.Status422UnprocessableEntity, FetchFailed, ex.Message);
        }
    }

    public const string UrlNotAllowed = "url_not_allowed";
    public const string FetchFailed = "fetch_failed";

    private static async Task<Results<JsonHttpResult<AssetView>, JsonHttpResult<ErrorResponse>>> FetchAndCreateAsync(
        HttpContext context, IAssetStore assets, AssetViews views, RemoteAssetFetcher fetcher, Uri url, AssetFields fields, bool uploadStatuses)
    {
        if (fields.PreviewId is { } preview && !await assets.IsOwnedByAsync(context.GetCaller().UserId, preview, context.RequestAborted))
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "preview_id must name one of your assets.");
        }

        RemoteContent content;
        try
        {
            content = await fetcher.DownloadAsync(url, context.RequestAborted);
        }
        catch (RemoteFetchException ex)
        {
            return Refusal(ex, uploadStatuses);
        }

        var name = fields.Name ?? content.FileName ?? "download";
        var mime = fields.MimeType ?? (content.MediaType is { } type && AssetRules.MimeTypeProblem(type) is null && type != "application/octet-stream"
            ? type
            : OutputImporter.ContentTypeOf(name));
        var draft = new AssetDraft
        {
            Id = fields.Id,
            Name = name,
            MimeType = mime,
            Tags = fields.Tags ?? [],
            UserMetadata = fields.UserMetadata,
            PreviewId = fields.PreviewId,
        };
        return await AssetUploadEndpoint.CreateAsync(context, assets, views, draft, content.Blob, createdStatus: uploadStatuses ? 201 : 200);
    }

    private static JsonHttpResult<ErrorResponse> Refusal(RemoteFetchException ex, bool uploadStatuses) => ex.Failure switch
    {
        RemoteFetchFailure.AddressRefused => ApiResults.BadRequest(UrlNotAllowed, ex.Message),
        RemoteFetchFailure.Denied when uploadStatuses => ApiResults.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, ex.Message),
        RemoteFetchFailure.NotFound when uploadStatuses => ApiResults.NotFound(ex.Message),
        RemoteFetchFailure.TooLarge when uploadStatuses => ApiResults.Error(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, ex.Message),
        _ => ApiResults.Error(StatusCodes.Status422UnprocessableEntity, FetchFailed, ex.Message),
    };

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
