using System.Text;
using Gantry.Http;
using Gantry.Outputs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Gantry.Api;

/// <summary>
/// Serves a stored blob under a file's name: its content type (active content such as HTML, JavaScript or SVG is
/// sent as <c>application/octet-stream</c> attachment so a browser never runs it on our origin),
/// <c>Content-Disposition: filename="…"</c>, <c>X-Content-Type-Options: nosniff</c>, the hash as a strong ETag,
/// and byte ranges (206) for players and resumable downloads.
/// </summary>
public static class FileResponses
{
    private static readonly string[] ActiveTypes =
    [
        "text/html", "application/xhtml+xml", "text/javascript", "application/javascript", "application/x-javascript",
        "application/ecmascript", "text/ecmascript", "text/css", "image/svg+xml", "text/xml", "application/xml",
    ];

    /// <summary>The blob as the named file, or null when the blob is gone from the content store.</summary>
    public static PhysicalFileHttpResult? Serve(HttpContext context, ContentStore blobs, string sha256, string filename, string contentType)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(blobs);
        if (!blobs.Contains(sha256))
        {
            return null;
        }

        var active = IsActiveContent(contentType);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentDisposition = ContentDisposition(filename, attachment: active);
        return TypedResults.PhysicalFile(
            blobs.PathOf(sha256),
            active ? "application/octet-stream" : contentType,
            entityTag: new EntityTagHeaderValue($"\"{sha256}\""),
            enableRangeProcessing: true);
    }

    /// <summary>
    /// The blob converted as the query's <c>channel</c> and <c>preview</c> ask (<see cref="ViewConversion"/>), under the
    /// file's name as ComfyUI sends it, or why it cannot be; neither when the query asks for the file as stored (or
    /// the blob is gone).
    /// </summary>
    public static async Task<(FileContentHttpResult? File, JsonHttpResult<ErrorResponse>? Error)> ServeConvertedAsync(
        HttpContext context, ContentStore blobs, ImageConverter converter, string sha256, string filename)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(converter);
        if (ViewConversion.Read(context.Request.Query) is not { } conversion || !blobs.Contains(sha256))
        {
            return (null, null);
        }

        var (bytes, error) = await converter.ConvertAsync(blobs.PathOf(sha256), conversion, context.RequestAborted);
        if (bytes is null)
        {
            return (null, ApiResults.BadRequest(ErrorCodes.InvalidParameter, error!));
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentDisposition = ContentDisposition(filename, attachment: false);
        return (TypedResults.File(bytes, conversion.ContentType), null);
    }

    /// <summary>Whether a browser would run or render this type as part of the page (script, markup, styles).</summary>
    public static bool IsActiveContent(string contentType)
    {
        var mediaType = contentType.AsSpan();
        var parameters = mediaType.IndexOf(';');
        if (parameters >= 0)
        {
            mediaType = mediaType[..parameters];
        }

        mediaType = mediaType.Trim();
        foreach (var active in ActiveTypes)
        {
            if (mediaType.Equals(active, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>filename="…"</c> as ComfyUI sends it (with <c>attachment;</c> first when asked); a name that is not plain
    /// ASCII gets an ASCII stand-in plus <c>filename*=UTF-8''…</c> (header values must be ASCII).
    /// </summary>
    public static string ContentDisposition(string filename, bool attachment)
    {
        ArgumentNullException.ThrowIfNull(filename);
        var value = new StringBuilder(filename.Length + 32);
        if (attachment)
        {
            value.Append("attachment; ");
        }

        value.Append("filename=\"");
        var plain = true;
        foreach (var c in filename)
        {
            if (c is < ' ' or > '~')
            {
                plain = false;
                value.Append('_');
            }
            else
            {
                if (c is '"' or '\\')
                {
                    value.Append('\\');
                }

                value.Append(c);
            }
        }

        value.Append('"');
        if (!plain)
        {
            value.Append("; filename*=UTF-8''").Append(Uri.EscapeDataString(filename));
        }

        return value.ToString();
    }
}
