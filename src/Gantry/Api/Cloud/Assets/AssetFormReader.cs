using System.Text;
using Gantry.Assets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Gantry.Api.Cloud.Assets;

/// <summary>
/// Reads a multipart asset upload as a stream, for the Cloud (<c>POST /api/assets</c>) and v2 (<c>POST /api/v2/assets</c>)
/// routes: the one <c>file</c> part goes straight into the asset store (hashed on the way, never buffered whole), the
/// small text fields around it are read with a bound each. A body declared larger than
/// <see cref="AssetOptions.MaxUploadBytes"/> is refused before any of it is read; one that grows past it is cut off and
/// nothing kept. On any problem the bytes already stored are given up (<see cref="IAssetStore.DiscardAsync"/>).
/// </summary>
public static class AssetFormReader
{
    /// <summary>Room for the multipart framing and the small fields around the file.</summary>
    private const long FormOverheadBytes = 1024 * 1024;

    private const int MaxFieldBytes = 128 * 1024;
    private const int MaxParts = 64;

    /// <summary>The form, with its bytes stored; or why it was refused (the caller writes that in its own error shape).</summary>
    public static async Task<(AssetForm? Form, AssetFormProblem? Problem)> ReadAsync(HttpContext context, IAssetStore assets, AssetOptions limits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(limits);
        var request = context.Request;
        var tooLarge = new AssetFormProblem(StatusCodes.Status413PayloadTooLarge, $"The upload is larger than the limit of {limits.MaxUploadBytes} bytes.");
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 256 } boundary)
        {
            return (null, new AssetFormProblem(StatusCodes.Status415UnsupportedMediaType, "Send the asset as multipart/form-data with the bytes in 'file'."));
        }

        if (request.ContentLength > limits.MaxUploadBytes + FormOverheadBytes)
        {
            return (null, tooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limits.MaxUploadBytes + FormOverheadBytes;
        }

        var form = new AssetForm();
        var problem = await ReadPartsAsync(context, assets, limits, boundary, form, tooLarge);
        if (problem is null && form.Blob is null)
        {
            problem = new AssetFormProblem(StatusCodes.Status400BadRequest, "A 'file' part is required.");
        }

        if (problem is not null)
        {
            await form.DiscardAsync(assets);
            return (null, problem);
        }

        return (form, null);
    }

    private static async Task<AssetFormProblem?> ReadPartsAsync(
        HttpContext context, IAssetStore assets, AssetOptions limits, string boundary, AssetForm form, AssetFormProblem tooLarge)
    {
        try
        {
            var reader = new MultipartReader(boundary, context.Request.Body) { HeadersLengthLimit = 16 * 1024, BodyLengthLimit = null };
            for (var parts = 0; await reader.ReadNextSectionAsync(context.RequestAborted) is { } section; parts++)
            {
                if (parts >= MaxParts)
                {
                    return new AssetFormProblem(StatusCodes.Status400BadRequest, $"The form has more than {MaxParts} parts.");
                }

                var disposition = section.GetContentDispositionHeader();
                var field = disposition?.Name.Value;
                if (field == "file" && disposition!.IsFileDisposition())
                {
                    if (form.Blob is not null)
                    {
                        return new AssetFormProblem(StatusCodes.Status400BadRequest, "Send one 'file' part.");
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
                    return new AssetFormProblem(StatusCodes.Status400BadRequest, $"A form field is larger than {MaxFieldBytes} bytes or is not UTF-8 text.");
                }
            }
        }
        catch (AssetTooLargeException)
        {
            return tooLarge;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge;
        }
        catch (BadHttpRequestException ex)
        {
            return new AssetFormProblem(ex.StatusCode, "The request body is unreadable.");
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return new AssetFormProblem(StatusCodes.Status400BadRequest, "The multipart body is malformed or ends before its closing boundary.");
        }

        return null;
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
}

/// <summary>Why an upload form was refused: the HTTP status and a message.</summary>
public sealed record AssetFormProblem(int Status, string Message);

/// <summary>What an upload form said: the stored bytes, the file part's name and type, and the text fields.</summary>
public sealed class AssetForm
{
    private readonly Dictionary<string, List<string>> _fields = new(StringComparer.Ordinal);

    /// <summary>The bytes of the <c>file</c> part (set once the form is read).</summary>
    public AssetBlob? Blob { get; set; }

    public string? FileName { get; set; }

    public string? PartType { get; set; }

    public void Add(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_fields.TryGetValue(name, out var values))
        {
            _fields[name] = values = [];
        }

        values.Add(value);
    }

    /// <summary>Every value given for <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> All(string name) => _fields.GetValueOrDefault(name) ?? [];

    /// <summary>The last value given for <paramref name="name"/>, or null.</summary>
    public string? Last(string name) => _fields.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    /// <summary>Gives up the stored bytes (the request failed after they arrived).</summary>
    public async Task DiscardAsync(IAssetStore assets)
    {
        ArgumentNullException.ThrowIfNull(assets);
        if (Blob is { } blob)
        {
            Blob = null;
            await assets.DiscardAsync(blob, CancellationToken.None);
        }
    }
}
