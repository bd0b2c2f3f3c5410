using System.Buffers.Binary;
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

    /// <summary>
    /// The orientation in a PNG's eXIf chunk (Skia reads EXIF only from JPEG and WebP; PIL also honours PNG's),
    /// or <see cref="SKEncodedOrigin.TopLeft"/> when there is none or it cannot be read.
    /// </summary>
    public static SKEncodedOrigin FromPng(ReadOnlySpan<byte> png)
    {
        try
        {
            foreach (var chunk in PngMetadata.ReadChunks(png))
            {
                if (chunk.Type == "eXIf" && chunk.CrcValid)
                {
                    return FromTiff(png.Slice(chunk.DataOffset, chunk.Length));
                }

                if (chunk.Type == "IDAT")
                {
                    break;
                }
            }
        }
        catch (ImageDecodeException)
        {
            // A damaged chunk list leaves the pixels as they are; Skia has already decoded them.
        }

        return SKEncodedOrigin.TopLeft;
    }

    /// <summary>Tag 0x0112 of IFD0 in a TIFF-structured EXIF block.</summary>
    internal static SKEncodedOrigin FromTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return SKEncodedOrigin.TopLeft;
        }

        var little = tiff[0] == (byte)'I' && tiff[1] == (byte)'I';
        if (!little && !(tiff[0] == (byte)'M' && tiff[1] == (byte)'M'))
        {
            return SKEncodedOrigin.TopLeft;
        }

        var ifd = (int)ReadUInt32(tiff[4..], little);
        if (ifd < 8 || ifd > tiff.Length - 2)
        {
            return SKEncodedOrigin.TopLeft;
        }

        var count = ReadUInt16(tiff[ifd..], little);
        for (var i = 0; i < count; i++)
        {
            var entry = ifd + 2 + (12 * i);
            if (entry + 12 > tiff.Length)
            {
                break;
            }

            if (ReadUInt16(tiff[entry..], little) == 0x0112)
            {
                var value = ReadUInt16(tiff[(entry + 8)..], little);
                return value is >= 1 and <= 8 ? (SKEncodedOrigin)value : SKEncodedOrigin.TopLeft;
            }
        }

        return SKEncodedOrigin.TopLeft;
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> data, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(data) : BinaryPrimitives.ReadUInt16BigEndian(data);

    private static uint ReadUInt32(ReadOnlySpan<byte> data, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(data) : BinaryPrimitives.ReadUInt32BigEndian(data);
}
