using System.Text.Json;
using Gantry.Outputs;
using Gantry.Store;
using SkiaSharp;

namespace Gantry.Api.Editor;

/// <summary>
/// What <c>POST /api/upload/mask</c> stores, as ComfyUI makes it: the original image the form's <c>original_ref</c>
/// names (<c>{filename, subfolder, type}</c>, one of the caller's files; type <c>output</c> unless named or annotated),
/// as RGBA with its alpha replaced by the uploaded mask's alpha, saved as PNG. The two must have the same size; both are
/// held to the upload's pixel limit before they are decoded.
/// </summary>
public sealed class MaskCompositor(IFileIndex index, ContentStore blobs)
{
    /// <summary>Longest <c>original_ref</c> accepted.</summary>
    public const int MaxReferenceLength = 4096;

    /// <summary>The composited PNG, or why not (a message for a 400).</summary>
    public async Task<(byte[]? Png, string? Problem)> ComposeAsync(
        long userId, string? originalRef, Stream mask, int maxEdge, long maxPixels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (ReadReference(originalRef) is not var (filename, subfolder, type) || filename is null)
        {
            return (null, "original_ref must be a JSON object naming the original image: {\"filename\": …, \"subfolder\": …, \"type\": …}.");
        }

        var original = await index.FindFileAsync(userId, type, subfolder, filename, cancellationToken);
        if (original is null || !blobs.Contains(original.Sha256))
        {
            return (null, "original_ref names no image of yours.");
        }

        await using (var header = File.OpenRead(blobs.PathOf(original.Sha256)))
        {
            if (ImageLimits.Check(header, maxEdge, maxPixels) is { } tooLarge)
            {
                return (null, tooLarge);
            }
        }

        using var originalImage = SKBitmap.Decode(blobs.PathOf(original.Sha256));
        using var maskImage = SKBitmap.Decode(mask);
        if (originalImage is null || maskImage is null)
        {
            return (null, "The mask and the original must be images (PNG, JPEG, WebP …).");
        }

        if (originalImage.Width != maskImage.Width || originalImage.Height != maskImage.Height)
        {
            return (null, $"The mask is {maskImage.Width}x{maskImage.Height}, the original {originalImage.Width}x{originalImage.Height}: they must be the same size.");
        }

        return (Compose(originalImage, maskImage), null);
    }

    /// <summary>The original's colours with the mask's alpha, unpremultiplied RGBA, as PNG.</summary>
    public static byte[] Compose(SKBitmap original, SKBitmap mask)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(mask);
        var info = new SKImageInfo(original.Width, original.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var result = new SKBitmap(info);
        using var source = Convert(original, info);
        using var alpha = Convert(mask, info);
        var pixels = source.GetPixelSpan();
        var alphas = alpha.GetPixelSpan();
        var target = result.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i += 4)
        {
            target[i] = pixels[i];
            target[i + 1] = pixels[i + 1];
            target[i + 2] = pixels[i + 2];
            target[i + 3] = alphas[i + 3];
        }

        using var data = result.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKBitmap Convert(SKBitmap bitmap, SKImageInfo info)
    {
        var converted = new SKBitmap(info);
        using var source = bitmap.PeekPixels();
        using var target = converted.PeekPixels();
        if (!source.ReadPixels(target))
        {
            converted.Dispose();
            throw new InvalidOperationException($"Cannot convert a {bitmap.ColorType} image to RGBA.");
        }

        return converted;
    }

    /// <summary>(filename, subfolder, type) from <c>original_ref</c>, checked as upload names are; null when unusable.</summary>
    internal static (string? Filename, string Subfolder, string Type)? ReadReference(string? originalRef)
    {
        if (string.IsNullOrEmpty(originalRef) || originalRef.Length > MaxReferenceLength)
        {
            return null;
        }

        using var document = RequestBody.TryParse(System.Text.Encoding.UTF8.GetBytes(originalRef), out _);
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty("filename", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var (bare, annotated) = UserFiles.SplitAnnotation(name.GetString()!);
        var type = annotated ?? (root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : UserFiles.Output);
        var subfolder = UserFiles.NormalizeSubfolder(
            root.TryGetProperty("subfolder", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : "");
        var filename = UserFiles.BaseName(bare);
        return UserFiles.IsFolderType(type) && subfolder is not null && filename is not null ? (filename, subfolder, type) : null;
    }
}
