using System.Numerics.Tensors;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Masks;

/// <summary>An image channel as ImageToMask and LoadImageMask name it.</summary>
public enum ImageChannel
{
    Red = 0,
    Green = 1,
    Blue = 2,
    Alpha = 3,
}

/// <summary>SolidMask, InvertMask, ImageToMask, MaskToImage, CropMask and ThresholdMask (comfy_extras/nodes_mask.py).</summary>
public static class MaskOps
{
    public static ImageChannel ParseChannel(string name) => name switch
    {
        "red" => ImageChannel.Red,
        "green" => ImageChannel.Green,
        "blue" => ImageChannel.Blue,
        "alpha" => ImageChannel.Alpha,
        _ => throw new ArgumentException($"Unknown channel '{name}'.", nameof(name)),
    };

    /// <summary>SolidMask: one frame of height × width filled with <paramref name="value"/>.</summary>
    public static MaskTensor Solid(double value, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var mask = new MaskTensor(1, height, width);
        mask.WritableSpan.Fill((float)value);
        return mask;
    }

    /// <summary>InvertMask: 1 − mask.</summary>
    public static MaskTensor Invert(MaskTensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var output = mask.CreateLike();
        TensorPrimitives.Subtract(1f, mask.Span, output.WritableSpan);
        return output;
    }

    /// <summary>ImageToMask: one channel of every frame. Asking for alpha on an RGB image is an error, as in ComfyUI.</summary>
    public static MaskTensor FromImage(ImageTensor image, ImageChannel channel)
    {
        ArgumentNullException.ThrowIfNull(image);
        var index = (int)channel;
        if (index >= image.Channels)
        {
            throw new ArgumentException($"The image has {image.Channels} channels, so it has no {channel.ToString().ToLowerInvariant()} channel.", nameof(channel));
        }

        var mask = new MaskTensor(image.Batch, image.Height, image.Width);
        var src = image.Span;
        var dst = mask.WritableSpan;
        var c = image.Channels;
        for (var p = 0; p < dst.Length; p++)
        {
            dst[p] = src[(p * c) + index];
        }

        return mask;
    }

    /// <summary>MaskToImage: the mask copied into R, G and B.</summary>
    public static ImageTensor ToImage(MaskTensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var image = new ImageTensor(mask.Batch, mask.Height, mask.Width, 3);
        var src = mask.Span;
        var dst = image.WritableSpan;
        for (var p = 0; p < src.Length; p++)
        {
            var v = src[p];
            dst[3 * p] = v;
            dst[(3 * p) + 1] = v;
            dst[(3 * p) + 2] = v;
        }

        return image;
    }

    /// <summary>
    /// CropMask: rows y..y+height and columns x..x+width, cut at the mask's edge. A region that starts
    /// outside the mask is an error here (ComfyUI would return an empty mask that breaks later nodes).
    /// </summary>
    public static MaskTensor Crop(MaskTensor mask, int x, int y, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (x >= mask.Width || y >= mask.Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"The crop starts at ({x}, {y}), outside the {mask.Width}×{mask.Height} mask.");
        }

        var outWidth = Math.Min(width, mask.Width - x);
        var outHeight = Math.Min(height, mask.Height - y);
        var output = new MaskTensor(mask.Batch, outHeight, outWidth);
        for (var b = 0; b < mask.Batch; b++)
        {
            var src = mask.Frame(b);
            var dst = output.WritableFrame(b);
            for (var r = 0; r < outHeight; r++)
            {
                src.Slice(((y + r) * mask.Width) + x, outWidth).CopyTo(dst.Slice(r * outWidth, outWidth));
            }
        }

        return output;
    }

    /// <summary>ThresholdMask: 1 where mask &gt; value, else 0 (compared in float32).</summary>
    public static MaskTensor Threshold(MaskTensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var output = mask.CreateLike();
        var threshold = (float)value;
        var src = mask.Span;
        var dst = output.WritableSpan;
        for (var i = 0; i < src.Length; i++)
        {
            dst[i] = src[i] > threshold ? 1f : 0f;
        }

        return output;
    }
}
