using SkiaSharp;

namespace Gantry.Outputs;

/// <summary>
/// The Comfy Cloud upload limits on image size, checked from the image's header only (nothing is decoded).
/// Files that are not images SkiaSharp can read pass: only their byte size is limited.
/// </summary>
public static class ImageLimits
{
    /// <summary>Null when the image fits (or is no readable image); else why not.</summary>
    public static string? Check(Stream content, int maxEdge, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var codec = SKCodec.Create(content);
        if (codec is null)
        {
            return null;
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width > maxEdge || height > maxEdge)
        {
            return $"The image is {width}x{height} pixels; each edge may be at most {maxEdge}.";
        }

        var pixels = (long)width * height;
        return pixels > maxPixels
            ? $"The image has {pixels} pixels ({width}x{height}); at most {maxPixels} are allowed."
            : null;
    }
}
