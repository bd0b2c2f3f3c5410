using System.Buffers;
using Gantry.Engine.Tensors;
using SkiaSharp;

namespace Gantry.Engine.Imaging.Codecs;

/// <summary>JPEG and WebP encodings of one frame for previews, through Skia.</summary>
public static class PreviewEncoder
{
    /// <summary>Baseline JPEG at the given quality (1–100); alpha, if any, is dropped.</summary>
    public static byte[] EncodeJpeg(ImageTensor image, int frameIndex = 0, int quality = 95)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        return Encode(image, frameIndex, keepAlpha: false, pixmap => pixmap.Encode(new SKJpegEncoderOptions(quality)));
    }

    /// <summary>WebP, lossy at the given quality (0–100) or lossless; a 4th channel is kept as alpha.</summary>
    public static byte[] EncodeWebp(ImageTensor image, int frameIndex = 0, int quality = 90, bool lossless = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(quality);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        var compression = lossless ? SKWebpEncoderCompression.Lossless : SKWebpEncoderCompression.Lossy;
        return Encode(image, frameIndex, keepAlpha: true, pixmap => pixmap.Encode(new SKWebpEncoderOptions(compression, quality)));
    }

    private static unsafe byte[] Encode(ImageTensor image, int frameIndex, bool keepAlpha, Func<SKPixmap, SKData?> encode)
    {
        var width = image.Width;
        var height = image.Height;
        var alpha = keepAlpha && image.Channels == 4;
        var rgba = ArrayPool<byte>.Shared.Rent(width * height * 4);
        try
        {
            ToRgba(image.Frame(frameIndex), image.Channels, rgba.AsSpan(0, width * height * 4));
            var info = new SKImageInfo(width, height, SKColorType.Rgba8888, alpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
            fixed (byte* pixels = rgba)
            {
                using var pixmap = new SKPixmap(info, (nint)pixels, info.RowBytes);
                using var data = encode(pixmap) ?? throw new InvalidOperationException("Skia could not encode the preview.");
                return data.ToArray();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    /// <summary>Frame samples to RGBA bytes; grey is replicated, a missing alpha is 255.</summary>
    internal static void ToRgba(ReadOnlySpan<float> frame, int channels, Span<byte> rgba)
    {
        if (channels == 4)
        {
            PixelPacking.FloatsToBytes(frame, rgba);
            return;
        }

        var pixels = rgba.Length / 4;
        var row = ArrayPool<byte>.Shared.Rent(frame.Length);
        try
        {
            var bytes = row.AsSpan(0, pixels * channels);
            PixelPacking.FloatsToBytes(frame[..(pixels * channels)], bytes);
            for (int p = 0, s = 0, d = 0; p < pixels; p++, s += channels, d += 4)
            {
                var r = bytes[s];
                rgba[d] = r;
                rgba[d + 1] = channels >= 3 ? bytes[s + 1] : r;
                rgba[d + 2] = channels >= 3 ? bytes[s + 2] : r;
                rgba[d + 3] = channels == 2 ? bytes[s + 1] : (byte)255;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(row);
        }
    }
}
