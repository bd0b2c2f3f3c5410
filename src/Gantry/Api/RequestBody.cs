using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Unicode;
using Gantry.Engine.Json;

namespace Gantry.Api;

/// <summary>
/// Reads a JSON request body under a size limit, whatever its Content-Type (OSS clients post JSON as
/// form-encoded; ComfyUI accepts it, so do we).
/// </summary>
public static class RequestBody
{
    /// <summary>Reads the whole body, or returns null when it is over <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > limit)
        {
            return null;
        }

        PipeReader reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (read.IsCompleted)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Parses a body read by <see cref="ReadAsync"/>; null (with the parser's message) when it is not JSON. Gantry's one
    /// reader rule holds for every body: nesting up to <see cref="JParser.MaxDepth"/>, no lone UTF-16 surrogate escapes
    /// (System.Text.Json would accept those here and throw when the string is read, later).
    /// </summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> body, out string? error)
    {
        error = BreaksReaderRule(body.Span);
        if (error is not null)
        {
            return null;
        }

        try
        {
            error = null;
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = JParser.MaxDepth });
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// Why the body breaks the reader rule every JSON body is held to beside its syntax (bytes that are not UTF-8, a lone
    /// surrogate escape), or null. System.Text.Json checks neither until a string is read, and then throws.
    /// </summary>
    public static string? BreaksReaderRule(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body))
        {
            return "The body is not valid UTF-8.";
        }

        var surrogate = JParser.IndexOfLoneSurrogateEscape(body);
        return surrogate < 0 ? null : string.Create(CultureInfo.InvariantCulture, $"Lone UTF-16 surrogate in \\uXXXX escape: char {surrogate}");
    }

    /// <summary>An empty body (or only whitespace) counts as no body.</summary>
    public static bool IsEmpty(ReadOnlySpan<byte> body) => body.Trim(" \t\r\n"u8).IsEmpty;
}
