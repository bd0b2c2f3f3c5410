using System.Numerics.Tensors;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Color;

/// <summary>EmptyImage and ImageInvert.</summary>
public static class ImageColor
{
    /// <summary>EmptyImage: an RGB batch filled with 0xRRGGBB, each channel byte / 255.</summary>
    public static ImageTensor CreateSolid(int width, int height, int batchSize, int color)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var image = new ImageTensor(batchSize, height, width, 3);
        // Python divides in double; torch.full then rounds to float32.
        Span<float> pixel = [(float)(((color >> 16) & 0xFF) / 255.0), (float)(((color >> 8) & 0xFF) / 255.0), (float)((color & 0xFF) / 255.0)];
        FillPattern(image.WritableSpan, pixel);
        return image;
    }

    /// <summary>ImageInvert: 1 − x on colour channels; a 4th (alpha) channel is kept.</summary>
    public static ImageTensor Invert(ImageTensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var output = image.CreateLike();
        TensorPrimitives.Subtract(1f, image.Span, output.WritableSpan);
        if (image.Channels == 4)
        {
            var src = image.Span;
            var dst = output.WritableSpan;
            for (var i = 3; i < dst.Length; i += 4)
            {
                dst[i] = src[i];
            }
        }

        return output;
    }

    /// <summary>Repeats a short pattern over a span by doubling copies.</summary>
    internal static void FillPattern(Span<float> destination, ReadOnlySpan<float> pattern)
    {
        if (destination.Length == 0)
        {
            return;
        }

        pattern.CopyTo(destination);
        var filled = pattern.Length;
        while (filled < destination.Length)
        {
            var count = Math.Min(filled, destination.Length - filled);
            destination[..count].CopyTo(destination.Slice(filled, count));
            filled += count;
        }
    }
}
