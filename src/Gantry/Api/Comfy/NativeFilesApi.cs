using Gantry.Api.Comfy.Contracts;
using Gantry.Auth;
using Gantry.Domain;
using Gantry.Http;
using Gantry.Outputs;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Comfy;

/// <summary>
/// ComfyUI's bare file routes: <c>GET /view</c> answers the bytes (200, or 206 for a range) of one of the caller's
/// files; <c>POST /upload/image</c> stores an upload. (<c>/api/view</c> redirects instead: see <c>Cloud.FilesApi</c>.)
/// <c>channel=</c> and <c>preview=</c> convert an image as ComfyUI does (<see cref="ViewConversion"/>).
/// </summary>
public static class NativeFilesApi
{
    public static IEndpointRouteBuilder MapComfyFiles(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/view", [HttpMethods.Get, HttpMethods.Head], ViewAsync).WithTags(ComfyNativeApi.Tag);
        app.MapPost("/upload/image", UploadAsync).WithTags(ComfyNativeApi.Tag);
        return app;
    }

    public static async Task<Results<PhysicalFileHttpResult, FileContentHttpResult, JsonHttpResult<ErrorResponse>>> ViewAsync(
        HttpContext context, IFileIndex index, ContentStore blobs, ImageConverter converter)
    {
        var (file, error) = await FindAsync(context, index);
        if (file is null)
        {
            return error!;
        }

        var converted = await FileResponses.ServeConvertedAsync(context, blobs, converter, file.Sha256, file.Filename);
        if (converted.File is not null)
        {
            return converted.File;
        }

        if (converted.Error is not null)
        {
            return converted.Error;
        }

        return FileResponses.Serve(context, blobs, file.Sha256, file.Filename, file.ContentType) is { } served
            ? served
            : ApiResults.NotFound("The file's content is no longer stored.");
    }

    public static Task<Results<Ok<UploadResponse>, JsonHttpResult<ErrorResponse>>> UploadAsync(
        HttpContext context, UserUploads uploads, IOptions<ComfyOptions> options)
        => ImageUpload.UploadAsync(context, uploads, options.Value, StatusCodes.Status413PayloadTooLarge);

    /// <summary>
    /// The caller's file named by <c>filename</c>, <c>type</c> and <c>subfolder</c>: 400 for an unsafe or malformed
    /// request, 404 when the caller has no such file (another user's file is just as missing).
    /// </summary>
    public static async Task<(StoredFile? File, JsonHttpResult<ErrorResponse>? Error)> FindAsync(HttpContext context, IFileIndex index)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(index);
        var request = FileRequest.Read(context.Request.Query, out var problem);
        if (request is null)
        {
            return (null, ApiResults.BadRequest(ErrorCodes.InvalidParameter, problem!));
        }

        var file = await index.FindFileAsync(context.GetCaller().UserId, request.Type, request.Subfolder, request.Filename, context.RequestAborted);
        return file is null
            ? (null, ApiResults.NotFound($"No {request.Type} file '{ApiResults.Truncate(request.Filename)}' in subfolder '{ApiResults.Truncate(request.Subfolder)}'."))
            : (file, null);
    }
}
