using System.Buffers;
using System.Runtime.InteropServices;
using Gantry.Engine.Tensors;
using SkiaSharp;

namespace Gantry.Engine.Imaging.Codecs;

/// <summary>
/// LoadImage's decoding: PNG, JPEG, WebP, GIF (first frame), BMP and whatever else Skia reads, into RGB plus
/// a mask from alpha.
/// </summary>
/// <remarks>
/// As in LoadImage: EXIF orientation is applied (JPEG, WebP, and PNG eXIf); samples are byte / 255 in float32; colour profiles are
/// ignored; mask = 1 − alpha / 255, or a 64×64 zero mask when the file has no alpha. Differences: only the
/// first frame of animations is read; 16-bit samples are reduced to 8 bits by Skia (PIL keeps the high
/// byte for 16-bit RGB and maps 16-bit grey through v / 255, so values can differ by one step); an RGB or
/// grey PNG with a tRNS colour key yields a mask here, where PIL reports no alpha band. Truncated and
/// corrupt files raise <see cref="ImageDecodeException"/> (ComfyUI retries with LOAD_TRUNCATED_IMAGES and
/// may return a partly grey image). Images above PIL's decompression-bomb limit (2 × 89 478 485 pixels)
/// are refused.
/// </remarks>
public static class ImageDecoder
{
    /// <summary>PIL's Image.MAX_IMAGE_PIXELS × 2, above which PIL raises DecompressionBombError.</summary>
    public const long MaxPixels = 2L * 89_478_485;

    private static readonly float[] ByteToFloat = BuildTable();

    public static LoadedImage DecodeFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Decode(File.ReadAllBytes(path));
    }

    public static LoadedImage Decode(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length == 0)
        {
            throw new ImageDecodeException("The image file is empty.");
        }

        using var codec = SKCodec.Create(new MemoryStream(data, writable: false), out var created)
            ?? throw new ImageDecodeException(CreateFailure(created));
        var info = codec.Info;
        var width = info.Width;
        var height = info.Height;
        if (width < 1 || height < 1)
        {
            throw new ImageDecodeException($"The image has no pixels ({width}×{height}).");
        }

        if ((long)width * height > MaxPixels)
        {
            throw new ImageDecodeException($"The image is {width}×{height}, more than the {MaxPixels} pixels allowed.");
        }

        var hasAlpha = info.AlphaType != SKAlphaType.Opaque;
        var pixels = ArrayPool<uint>.Shared.Rent(width * height);
        try
        {
            var decodeInfo = new SKImageInfo(width, height, SKColorType.Rgba8888, hasAlpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
            var result = GetPixels(codec, decodeInfo, pixels);
            if (result != SKCodecResult.Success)
            {
                throw new ImageDecodeException(PixelFailure(result));
            }

            var origin = codec.EncodedOrigin;
            if (origin is SKEncodedOrigin.TopLeft && codec.EncodedFormat == SKEncodedImageFormat.Png)
            {
                origin = ExifOrientation.FromPng(data);
            }
            var upright = pixels;
            if (origin != SKEncodedOrigin.TopLeft)
            {
                upright = ArrayPool<uint>.Shared.Rent(width * height);
                ExifOrientation.Apply(pixels.AsSpan(0, width * height), width, height, origin, upright.AsSpan(0, width * height));
                if (ExifOrientation.SwapsAxes(origin))
                {
                    (width, height) = (height, width);
                }
            }

            try
            {
                var (image, mask) = ToTensors(upright.AsSpan(0, width * height), width, height, hasAlpha);
                return new LoadedImage(image, mask, FormatName(codec.EncodedFormat), hasAlpha);
            }
            finally
            {
                if (!ReferenceEquals(upright, pixels))
                {
                    ArrayPool<uint>.Shared.Return(upright);
                }
            }
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(pixels);
        }
    }

    private static unsafe SKCodecResult GetPixels(SKCodec codec, SKImageInfo info, uint[] pixels)
    {
        fixed (uint* target = pixels)
        {
            return codec.GetPixels(info, (nint)target, info.RowBytes, new SKCodecOptions(0));
        }
    }

    private static (ImageTensor Image, MaskTensor Mask) ToTensors(ReadOnlySpan<uint> rgba, int width, int height, bool hasAlpha)
    {
        var image = new ImageTensor(1, height, width, 3);
        var rgb = image.WritableSpan;
        var bytes = MemoryMarshal.AsBytes(rgba);
        var table = ByteToFloat;
        for (int p = 0, s = 0, d = 0; p < rgba.Length; p++, s += 4, d += 3)
        {
            rgb[d] = table[bytes[s]];
            rgb[d + 1] = table[bytes[s + 1]];
            rgb[d + 2] = table[bytes[s + 2]];
        }

        if (!hasAlpha)
        {
            return (image, new MaskTensor(1, 64, 64));
        }

        var mask = new MaskTensor(1, height, width);
        var m = mask.WritableSpan;
        for (int p = 0, s = 3; p < m.Length; p++, s += 4)
        {
            m[p] = 1f - table[bytes[s]];
        }

        return (image, mask);
    }

    private static string CreateFailure(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "The image file is truncated: it ends before its header is complete.",
        SKCodecResult.Unimplemented => "The file is not an image format that can be read (PNG, JPEG, WebP, GIF, BMP).",
        _ => $"The file is not a readable image ({result}).",
    };

    private static string PixelFailure(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "The image file is truncated: its pixel data ends early.",
        SKCodecResult.ErrorInInput => "The image file is corrupt: its pixel data is invalid.",
        SKCodecResult.InvalidInput => "The image file is corrupt.",
        _ => $"The image could not be decoded ({result}).",
    };

    private static string FormatName(SKEncodedImageFormat format) => format.ToString().ToLowerInvariant();

    private static float[] BuildTable()
    {
        var table = new float[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = i / 255f;
        }

        return table;
    }
}
