using System.Text;
using Gantry.Assets;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Outputs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gantry.Api.Cloud.Assets;

/// <summary>
/// <c>POST /api/assets</c>. A multipart form is read as a stream: the <c>file</c> part goes straight into the asset
/// store (hashed on the way, never held in memory nor buffered whole), the small fields around it (<c>name</c>,
/// <c>tags</c>, <c>mime_type</c>, <c>user_metadata</c>, <c>id</c>, <c>preview_id</c>) are read with a bound each. A body
/// declared larger than <see cref="AssetOptions.MaxUploadBytes"/> is refused (413) before any of it is read; one that
/// grows past it is cut off with 413 and nothing kept. A JSON body (<c>{url, name, …}</c>) downloads from the URL
/// (<see cref="AssetDownloadEndpoints"/>). As the spec says, when the caller already has an asset with the same
/// content, that one is returned (200, <c>created_new: false</c>); else 201.
/// </summary>
public static class AssetUploadEndpoint
{
    /// <summary>Room for the multipart framing and the small fields around the file.</summary>
    private const long FormOverheadBytes = 1024 * 1024;

    private const int MaxFieldBytes = 128 * 1024;
    private const int MaxParts = 64;

    public static async Task<Results<JsonHttpResult<AssetView>, JsonHttpResult<ErrorResponse>>> UploadAsync(
        HttpContext context, IAssetStore assets, AssetViews views, IOptions<AssetOptions> options, IOptions<ApiOptions> api, RemoteAssetFetcher fetcher)
    {
        var limits = options.Value;
        var request = context.Request;
        if (request.HasJsonContentType())
        {
            return await AssetDownloadEndpoints.UploadFromUrlAsync(context, assets, views, limits, api.Value, fetcher);
        }

        var tooLarge = ApiResults.Error(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"The upload is larger than the limit of {limits.MaxUploadBytes} bytes.");
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 256 } boundary)
        {
            return ApiResults.Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.InvalidRequest,
                "Send the asset as multipart/form-data with the bytes in 'file', or JSON {url, name} to download it.");
        }

        if (request.ContentLength > limits.MaxUploadBytes + FormOverheadBytes)
        {
            return tooLarge;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limits.MaxUploadBytes + FormOverheadBytes;
        }

        var form = new UploadForm();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, BodyLengthLimit = null };
            for (var parts = 0; await reader.ReadNextSectionAsync(context.RequestAborted) is { } section; parts++)
            {
                if (parts >= MaxParts)
                {
                    return await RefuseAsync(assets, form, ApiResults.BadRequest(ErrorCodes.InvalidRequest, $"The form has more than {MaxParts} parts."));
                }

                var disposition = section.GetContentDispositionHeader();
                var field = disposition?.Name.Value;
                if (field == "file" && disposition!.IsFileDisposition())
                {
                    if (form.Blob is not null)
                    {
                        return await RefuseAsync(assets, form, ApiResults.BadRequest(ErrorCodes.InvalidRequest, "Send one 'file' part."));
                    }

                    form.FileName = disposition!.FileNameStar.Value ?? disposition.FileName.Value;
                    form.PartType = section.ContentType;
                    form.Blob = await assets.IngestAsync(section.Body, limits.MaxUploadBytes, context.RequestAborted);
                }
                else if (field is not null && await ReadFieldAsync(section) is { } value)
                {
                    form.Add(field, value);
                }
                else
                {
                    return await RefuseAsync(assets, form, ApiResults.BadRequest(ErrorCodes.InvalidRequest, $"A form field is larger than {MaxFieldBytes} bytes or is not UTF-8 text."));
                }
            }
        }
        catch (AssetTooLargeException)
        {
            return tooLarge;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return await RefuseAsync(assets, form, tooLarge);
        }
        catch (BadHttpRequestException ex)
        {
            return await RefuseAsync(assets, form, ApiResults.Error(ex.StatusCode, ErrorCodes.InvalidRequest, "The request body is unreadable."));
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return await RefuseAsync(assets, form, ApiResults.BadRequest(ErrorCodes.InvalidRequest, "The multipart body is malformed or ends before its closing boundary."));
        }

        if (form.Blob is not { } blob)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "A 'file' part is required.");
        }

        var (draft, problem) = await form.ToDraftAsync(context, assets, limits);
        if (draft is null)
        {
            return await RefuseAsync(assets, form, ApiResults.BadRequest(ErrorCodes.InvalidParameter, problem!));
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

    private static async Task<JsonHttpResult<ErrorResponse>> RefuseAsync(IAssetStore assets, UploadForm form, JsonHttpResult<ErrorResponse> error)
    {
        if (form.Blob is { } blob)
        {
            await assets.DiscardAsync(blob, CancellationToken.None);
        }

        return error;
    }

    /// <summary>A small text field (UTF-8, at most <see cref="MaxFieldBytes"/>), or null when it is larger or not UTF-8.</summary>
    private static async Task<string?> ReadFieldAsync(MultipartSection section)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await section.Body.ReadAsync(buffer.AsMemory(length))) > 0)
        {
            length += read;
        }

        if (length > MaxFieldBytes)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>What the form said besides the bytes.</summary>
    private sealed class UploadForm
    {
        private readonly Dictionary<string, List<string>> _fields = new(StringComparer.Ordinal);

        public AssetBlob? Blob { get; set; }

        public string? FileName { get; set; }

        public string? PartType { get; set; }

        public void Add(string name, string value)
        {
            if (!_fields.TryGetValue(name, out var values))
            {
                _fields[name] = values = [];
            }

            values.Add(value);
        }

        public async Task<(AssetDraft? Draft, string? Problem)> ToDraftAsync(HttpContext context, IAssetStore assets, AssetOptions options)
        {
            var name = Last("name") ?? UserFiles.BaseName(FileName) ?? Blob!.Sha256;
            if (AssetRules.NameProblem(name) is { } nameProblem)
            {
                return (null, nameProblem);
            }

            var (tags, tagProblem) = AssetFields.ReadFormTags(_fields.GetValueOrDefault("tags") ?? [], options);
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

        private string? Last(string name) => _fields.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;
    }
}
