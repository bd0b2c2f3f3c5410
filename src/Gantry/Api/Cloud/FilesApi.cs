using Gantry.Api.Comfy;
using Gantry.Api.Comfy.Contracts;
using Gantry.Http;
using Gantry.Outputs;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Cloud;

/// <summary>
/// The Cloud's file routes. <c>GET /api/view</c> answers 302 to a signed, short-lived <c>/api/files/{sha256}</c>
/// link that works without the API key (Cloud clients fetch the <c>Location</c> without their key, so it never
/// reaches storage), or with <c>channel</c> the converted image at once (200), as the spec writes; <c>GET /api/files/{sha256}</c> checks the signature and serves the bytes;
/// <c>POST /api/upload/image</c> stores an upload as <c>/upload/image</c> does.
/// </summary>
public static class FilesApi
{
    public static IEndpointRouteBuilder MapCloudFiles(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/api/view", [HttpMethods.Get, HttpMethods.Head], ViewAsync).WithName("viewFile").WithTags("file");
        app.MapMethods($"{SignedFileUrls.PathPrefix}{{sha256:length(64)}}", [HttpMethods.Get, HttpMethods.Head], Download)
            .AllowAnonymous().WithTags("file");
        app.MapPost("/api/upload/image", UploadAsync).WithName("uploadImage").WithTags("file");
        return app;
    }

    /// <summary>
    /// 302 to the signed link of the caller's file; with <c>channel</c>, the converted image itself (200), as the Cloud
    /// spec answers it; 400 for a malformed request, 404 when the caller has no such file.
    /// </summary>
    public static async Task<Results<RedirectHttpResult, FileContentHttpResult, JsonHttpResult<ErrorResponse>>> ViewAsync(
        HttpContext context, IFileIndex index, SignedFileUrls links, ContentStore blobs, ImageConverter converter)
    {
        var (file, error) = await NativeFilesApi.FindAsync(context, index);
        if (file is null)
        {
            return error!;
        }

        if (context.Request.Query.ContainsKey("channel"))
        {
            var converted = await FileResponses.ServeConvertedAsync(context, blobs, converter, file.Sha256, file.Filename);
            if (converted.File is not null)
            {
                return converted.File;
            }

            if (converted.Error is not null)
            {
                return converted.Error;
            }
        }

        // Absolute: the documented clients fetch Location as it is, and a relative one is no URL to them.
        var request = context.Request;
        var location = $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{links.CreatePath(file.Sha256, file.Filename)}"
            + ConversionQuery(request.Query);
        return TypedResults.Redirect(location);
    }

    /// <summary>
    /// The blob behind a signed link, under the link's file name (converted when <c>channel</c> or <c>preview</c> ask:
    /// unsigned, as they only change how the same file is shown); 403 when the signature is wrong or expired.
    /// </summary>
    public static async Task<Results<PhysicalFileHttpResult, FileContentHttpResult, JsonHttpResult<ErrorResponse>>> Download(string sha256, HttpContext context, SignedFileUrls links, ContentStore blobs, ImageConverter converter)
    {
        var query = context.Request.Query;
        var filename = query["filename"].Count > 0 ? query["filename"].ToString() : null;
        var check = links.Verify(sha256, filename, query["exp"].Count > 0 ? query["exp"].ToString() : null, query["sig"].Count > 0 ? query["sig"].ToString() : null);
        switch (check)
        {
            case SignatureCheck.Invalid:
                return ApiResults.Forbidden("The link's signature does not match; ask /api/view for a new link.");
            case SignatureCheck.Expired:
                return ApiResults.Forbidden("The link has expired; ask /api/view for a new link.");
        }

        var converted = await FileResponses.ServeConvertedAsync(context, blobs, converter, sha256, filename!);
        if (converted.File is not null)
        {
            return converted.File;
        }

        if (converted.Error is not null)
        {
            return converted.Error;
        }

        return FileResponses.Serve(context, blobs, sha256, filename!, OutputImporter.ContentTypeOf(filename!)) is { } served
            ? served
            : ApiResults.NotFound("The file's content is no longer stored.");
    }

    /// <summary><c>&amp;channel=…&amp;preview=…</c> as the client gave them, for the signed link.</summary>
    private static string ConversionQuery(IQueryCollection query)
    {
        var extra = "";
        foreach (var name in (ReadOnlySpan<string>)["channel", "preview"])
        {
            if (query[name].Count > 0)
            {
                extra += $"&{name}={Uri.EscapeDataString(query[name].ToString())}";
            }
        }

        return extra;
    }

    public static Task<Results<Ok<UploadResponse>, JsonHttpResult<ErrorResponse>>> UploadAsync(
        HttpContext context, UserUploads uploads, IOptions<ComfyOptions> options)
        => ImageUpload.UploadAsync(context, uploads, options.Value, StatusCodes.Status400BadRequest);
}
