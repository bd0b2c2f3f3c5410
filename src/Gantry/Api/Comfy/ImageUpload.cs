using Gantry.Api.Comfy.Contracts;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Outputs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Comfy;

/// <summary>
/// The upload both <c>POST /upload/image</c> and <c>POST /api/upload/image</c> perform: multipart form with the file
/// as <c>image</c>, <c>type</c> (<c>input</c> by default, <c>temp</c>, <c>output</c>), <c>subfolder</c>, <c>overwrite</c>
/// (<c>true</c>/<c>1</c>). Limits as on Comfy Cloud: the byte size, and for images SkiaSharp can read, the edge and
/// pixel counts from the header. Answers <c>{name, subfolder, type}</c>.
/// </summary>
public static class ImageUpload
{
    public const string ImageTooLarge = "image_too_large";

    /// <summary>Room for the multipart framing and the small fields around the file.</summary>
    private const long FormOverheadBytes = 1024 * 1024;

    /// <param name="context">The request.</param>
    /// <param name="uploads">Where the file goes.</param>
    /// <param name="options">The limits.</param>
    /// <param name="tooLargeStatus">413 on the bare path (as ComfyUI's server), 400 under <c>/api</c> (as the Cloud documents).</param>
    /// <param name="transform">What to store instead of the uploaded file (the mask upload's composite), or why not; null stores the file.</param>
    public static async Task<Results<Ok<UploadResponse>, JsonHttpResult<ErrorResponse>>> UploadAsync(
        HttpContext context, UserUploads uploads, ComfyOptions options, int tooLargeStatus,
        Func<IFormCollection, IFormFile, Task<(byte[]? Content, JsonHttpResult<ErrorResponse>? Error)>>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(uploads);
        ArgumentNullException.ThrowIfNull(options);
        var limits = options;
        var tooLarge = ApiResults.Error(tooLargeStatus, ErrorCodes.PayloadTooLarge, $"The upload is larger than the limit of {limits.MaxUploadBytes} bytes.");
        if (!context.Request.HasFormContentType)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "Expected a multipart/form-data body with the file as 'image'.");
        }

        if (context.Request.ContentLength > limits.MaxUploadBytes + FormOverheadBytes)
        {
            return tooLarge;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limits.MaxUploadBytes + FormOverheadBytes;
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(
                new FormOptions { MultipartBodyLengthLimit = limits.MaxUploadBytes + FormOverheadBytes }, context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge;
        }
        catch (BadHttpRequestException ex)
        {
            return ApiResults.Error(ex.StatusCode, ErrorCodes.InvalidRequest, $"The request body is unreadable: {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, $"The multipart body is unreadable: {ex.Message}");
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The body ended before the multipart framing did (a truncated upload).
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "The multipart body ends before its closing boundary.");
        }

        if (form.Files.GetFile("image") is not { } image)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidRequest, "An 'image' file is required.");
        }

        if (image.Length > limits.MaxUploadBytes)
        {
            return tooLarge;
        }

        var type = form["type"].ToString() is { Length: > 0 } givenType ? givenType : UserFiles.Input;
        if (!UserFiles.IsFolderType(type))
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, $"Unknown type '{ApiResults.Truncate(type)}': expected input, temp or output.");
        }

        if (UserFiles.NormalizeSubfolder(form["subfolder"].ToString()) is not { } subfolder)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "subfolder must stay inside its folder: no '..' parts, not an absolute path.");
        }

        if (UserFiles.BaseName(image.FileName) is not { } filename)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, "The file needs a plain name: not empty, no '..' parts, not an absolute path.");
        }

        if (UserFiles.NameProblem(subfolder, filename) is { } nameProblem)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, nameProblem);
        }

        await using (var header = image.OpenReadStream())
        {
            if (ImageLimits.Check(header, limits.MaxImageEdge, limits.MaxImagePixels) is { } problem)
            {
                return ApiResults.BadRequest(ImageTooLarge, problem);
            }
        }

        byte[]? replacement = null;
        if (transform is not null)
        {
            var (made, refused) = await transform(form, image);
            if (refused is not null)
            {
                return refused;
            }

            replacement = made;
        }

        var overwrite = form["overwrite"].ToString() is var flag && (flag == "1" || flag.Equals("true", StringComparison.OrdinalIgnoreCase));
        UploadOutcome saved;
        try
        {
            await using var content = replacement is null ? image.OpenReadStream() : new MemoryStream(replacement, writable: false);
            saved = await uploads.SaveAsync(
                context.GetCaller().UserId, new UploadRequest(filename, type, subfolder, overwrite), content, limits.MaxUploadBytes, context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return tooLarge;
        }
        catch (UnsafeUploadPathException unsafePath)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, unsafePath.Message);
        }

        if (saved.File is not { } file)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, saved.ConflictMessage ?? "The upload conflicts with an existing file or folder.");
        }

        return TypedResults.Ok(new UploadResponse(file.Filename, file.Subfolder, file.Type));
    }
}
