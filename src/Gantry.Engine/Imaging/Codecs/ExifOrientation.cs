using SkiaSharp;

namespace Gantry.Engine.Imaging.Codecs;

/// <summary>Turns decoded pixels upright from an EXIF orientation, as PIL's ImageOps.exif_transpose does.</summary>
internal static class ExifOrientation
{
    /// <summary>Whether the orientation swaps width and height (EXIF 5 to 8).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) => origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
        or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>
    /// Copies <paramref name="source"/> (width × height pixels) into <paramref name="destination"/> upright;
    /// the destination is height × width when <see cref="SwapsAxes"/>.
    /// </summary>
    public static void Apply(ReadOnlySpan<uint> source, int width, int height, SKEncodedOrigin origin, Span<uint> destination)
    {
        var swap = SwapsAxes(origin);
        var outWidth = swap ? height : width;
        var outHeight = swap ? width : height;
        for (var y = 0; y < outHeight; y++)
        {
            var row = destination.Slice(y * outWidth, outWidth);
            for (var x = 0; x < outWidth; x++)
            {
                var (col, line) = origin switch
                {
                    SKEncodedOrigin.TopRight => (width - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (width - 1 - x, height - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, height - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, height - 1 - x),
                    SKEncodedOrigin.RightBottom => (width - 1 - y, height - 1 - x),
                    SKEncodedOrigin.LeftBottom => (width - 1 - y, x),
                    _ => (x, y),
                };
                row[x] = source[(line * width) + col];
            }
        }
    }
}
