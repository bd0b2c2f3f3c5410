using System.Buffers;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Color;

/// <summary>ImageQuantize's <c>dither</c> options.</summary>
public enum DitherMode
{
    None,
    FloydSteinberg,
    Bayer2,
    Bayer4,
    Bayer8,
    Bayer16,
}

/// <summary>ImageQuantize (comfy_extras/nodes_post_processing.py), which goes through Pillow.</summary>
/// <remarks>
/// Per frame: RGB → bytes (truncated, as <c>(x·255).to(uint8)</c>; out-of-range values are clamped here where
/// torch would wrap), a median-cut palette of at most <c>colors</c> entries (<see cref="MedianCut"/>), then a
/// remap onto that palette: nearest colour, Pillow's integer Floyd–Steinberg, or ComfyUI's ordered Bayer
/// dither followed by nearest colour. As in Pillow 9.4, the palette image <c>quantize</c> returns always holds 256
/// entries, the median-cut colours followed by black: the remap may pick that black for a dark pixel, and ComfyUI's
/// Bayer spread (2·256 / palette size) is computed for 256 entries whatever <c>colors</c> is.
/// A 4th channel is passed through; other channels beyond RGB are dropped, as in ComfyUI.
/// </remarks>
public static class ImageQuantize
{
    public static IReadOnlyList<string> DitherNames { get; } = ["none", "floyd-steinberg", "bayer-2", "bayer-4", "bayer-8", "bayer-16"];

    public static DitherMode ParseDither(string name) => name switch
    {
        "none" => DitherMode.None,
        "floyd-steinberg" => DitherMode.FloydSteinberg,
        "bayer-2" => DitherMode.Bayer2,
        "bayer-4" => DitherMode.Bayer4,
        "bayer-8" => DitherMode.Bayer8,
        "bayer-16" => DitherMode.Bayer16,
        _ => throw new ArgumentException($"Unknown dither '{name}'.", nameof(name)),
    };

    public static ImageTensor Quantize(ImageTensor image, int colors, DitherMode dither)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(colors, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(colors, 256);
        if (image.Channels < 3)
        {
            throw new ArgumentException($"Quantize needs RGB input; this image has {image.Channels} channel(s).", nameof(image));
        }

        var outChannels = image.Channels == 4 ? 4 : 3;
        var output = new ImageTensor(image.Batch, image.Height, image.Width, outChannels);
        var pixels = image.Width * image.Height;
        var rgb = ArrayPool<byte>.Shared.Rent(pixels * 3);
        var mapped = ArrayPool<byte>.Shared.Rent(pixels * 3);
        try
        {
            for (var b = 0; b < image.Batch; b++)
            {
                var frame = image.Frame(b);
                ToRgbBytes(frame, image.Channels, rgb.AsSpan(0, pixels * 3));
                var mapper = new PaletteMapper(PillowPalette(MedianCut.Build(rgb.AsSpan(0, pixels * 3), colors)));
                Remap(rgb.AsSpan(0, pixels * 3), image.Width, image.Height, mapper, dither, mapped.AsSpan(0, pixels * 3));
                WriteFrame(mapped.AsSpan(0, pixels * 3), frame, image.Channels, output.WritableFrame(b), outChannels);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgb);
            ArrayPool<byte>.Shared.Return(mapped);
        }

        return output;
    }

    /// <summary>Pillow 9.4's palette of a quantized image: the given colours, then black up to 256 entries.</summary>
    internal static int[] PillowPalette(int[] colours)
    {
        var palette = new int[256];
        colours.AsSpan(0, Math.Min(colours.Length, palette.Length)).CopyTo(palette);
        return palette;
    }

    internal static void Remap(ReadOnlySpan<byte> rgb, int width, int height, PaletteMapper mapper, DitherMode dither, Span<byte> output)
    {
        switch (dither)
        {
            case DitherMode.None:
                MapNearest(rgb, mapper, output);
                break;
            case DitherMode.FloydSteinberg:
                FloydSteinberg.Apply(rgb, width, height, mapper, output);
                break;
            default:
                var ordered = new byte[rgb.Length];
                BayerDither.Apply(rgb, width, height, BayerOrder(dither), mapper.Count, ordered);
                MapNearest(ordered, mapper, output);
                break;
        }
    }

    private static int BayerOrder(DitherMode dither) => dither switch
    {
        DitherMode.Bayer2 => 2,
        DitherMode.Bayer4 => 4,
        DitherMode.Bayer8 => 8,
        _ => 16,
    };

    private static void MapNearest(ReadOnlySpan<byte> rgb, PaletteMapper mapper, Span<byte> output)
    {
        for (var i = 0; i < rgb.Length; i += 3)
        {
            var index = mapper.Map(rgb[i], rgb[i + 1], rgb[i + 2]);
            output[i] = (byte)mapper.Red(index);
            output[i + 1] = (byte)mapper.Green(index);
            output[i + 2] = (byte)mapper.Blue(index);
        }
    }

    private static void ToRgbBytes(ReadOnlySpan<float> frame, int channels, Span<byte> rgb)
    {
        if (channels == 3)
        {
            PixelPacking.FloatsToBytes(frame, rgb);
            return;
        }

        for (int p = 0, o = 0; o < rgb.Length; p += channels, o += 3)
        {
            rgb[o] = PixelPacking.ToByte(frame[p]);
            rgb[o + 1] = PixelPacking.ToByte(frame[p + 1]);
            rgb[o + 2] = PixelPacking.ToByte(frame[p + 2]);
        }
    }

    private static void WriteFrame(ReadOnlySpan<byte> rgb, ReadOnlySpan<float> source, int sourceChannels, Span<float> destination, int channels)
    {
        if (channels == 3)
        {
            PixelPacking.BytesToFloats(rgb, destination);
            return;
        }

        for (int p = 0, i = 0; i < rgb.Length; p += channels, i += 3)
        {
            destination[p] = rgb[i] / 255f;
            destination[p + 1] = rgb[i + 1] / 255f;
            destination[p + 2] = rgb[i + 2] / 255f;
            destination[p + 3] = source[(p / channels * sourceChannels) + 3];
        }
    }
}
