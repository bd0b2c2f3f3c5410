using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Compositing;

/// <summary>JoinImageWithAlpha and SplitImageWithAlpha (comfy_extras/nodes_compositing.py).</summary>
public static class AlphaChannel
{
    /// <summary>
    /// JoinImageWithAlpha: RGB of each frame plus alpha = 1 − mask, the mask resized (bilinear) to the image
    /// size. The batch is the smaller of the two.
    /// </summary>
    public static ImageTensor Join(ImageTensor image, MaskTensor alpha)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(alpha);
        if (image.Channels < 3)
        {
            throw new ArgumentException($"Joining alpha needs an RGB image; this one has {image.Channels} channel(s).", nameof(image));
        }

        if (alpha.Width != image.Width || alpha.Height != image.Height)
        {
            alpha = ImageResize.Resize(alpha, image.Width, image.Height, ResizeMethod.Bilinear);
        }

        var batch = Math.Min(image.Batch, alpha.Batch);
        var output = new ImageTensor(batch, image.Height, image.Width, 4);
        var pixels = image.Width * image.Height;
        for (var b = 0; b < batch; b++)
        {
            var src = image.Frame(b);
            var mask = alpha.Frame(b);
            var dst = output.WritableFrame(b);
            for (var p = 0; p < pixels; p++)
            {
                var s = p * image.Channels;
                var d = p * 4;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
                dst[d + 3] = 1f - mask[p];
            }
        }

        return output;
    }

    /// <summary>SplitImageWithAlpha: the RGB channels, and mask = 1 − alpha (zeros when there is no 4th channel).</summary>
    public static (ImageTensor Image, MaskTensor Mask) Split(ImageTensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels < 3)
        {
            throw new ArgumentException($"Splitting alpha needs an RGB image; this one has {image.Channels} channel(s).", nameof(image));
        }

        var rgb = new ImageTensor(image.Batch, image.Height, image.Width, 3);
        var mask = new MaskTensor(image.Batch, image.Height, image.Width);
        var pixels = image.Batch * image.Width * image.Height;
        var src = image.Span;
        var dst = rgb.WritableSpan;
        var m = mask.WritableSpan;
        var hasAlpha = image.Channels > 3;
        for (var p = 0; p < pixels; p++)
        {
            var s = p * image.Channels;
            dst[3 * p] = src[s];
            dst[(3 * p) + 1] = src[s + 1];
            dst[(3 * p) + 2] = src[s + 2];
            m[p] = hasAlpha ? 1f - src[s + 3] : 0f;
        }

        return (rgb, mask);
    }
}
