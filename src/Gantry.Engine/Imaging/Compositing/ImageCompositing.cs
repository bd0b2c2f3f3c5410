using System.Numerics;
using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Compositing;

/// <summary>ImageCompositeMasked (comfy_extras/nodes_mask.py, composite with multiplier 1).</summary>
public static class ImageCompositing
{
    /// <summary>
    /// Pastes <paramref name="source"/> onto a copy of <paramref name="destination"/> with its top-left corner
    /// at (x, y): out = m·source + (1 − m)·destination, where m is the mask resized (bilinear) to the source
    /// size, or 1 without a mask. The source first takes the destination's channel count (image_alpha_fix);
    /// with <paramref name="resizeSource"/> it is resized (bilinear) to the destination size. Source and mask
    /// batches repeat cyclically (or are cut) to the destination batch. x and y are clamped to
    /// [−source size, destination size]; parts outside the destination are dropped. Negative offsets are not
    /// reachable from the node (its inputs start at 0); here they cut the source's left or top part.
    /// </summary>
    public static ImageTensor CompositeMasked(ImageTensor destination, ImageTensor source, int x, int y, bool resizeSource, MaskTensor? mask = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(source);
        source = ChannelMatch.ToChannels(source, destination.Channels);
        if (resizeSource)
        {
            source = ImageResize.Resize(source, destination.Width, destination.Height, ResizeMethod.Bilinear);
        }

        if (mask is not null && (mask.Width != source.Width || mask.Height != source.Height))
        {
            mask = ImageResize.Resize(mask, source.Width, source.Height, ResizeMethod.Bilinear);
        }

        var output = new ImageTensor(destination.Batch, destination.Height, destination.Width, destination.Channels);
        destination.Span.CopyTo(output.WritableSpan);

        x = Math.Clamp(x, -source.Width, destination.Width);
        y = Math.Clamp(y, -source.Height, destination.Height);
        var skipX = Math.Max(0, -x);
        var skipY = Math.Max(0, -y);
        var left = Math.Max(0, x);
        var top = Math.Max(0, y);
        var width = Math.Min(source.Width - skipX, destination.Width - left);
        var height = Math.Min(source.Height - skipY, destination.Height - top);
        if (width <= 0 || height <= 0)
        {
            return output;
        }

        var c = destination.Channels;
        var maskRow = new float[width * c];
        for (var b = 0; b < destination.Batch; b++)
        {
            var src = source.Frame(b % source.Batch);
            var dst = output.WritableFrame(b);
            var m = mask is null ? default : mask.Frame(b % mask.Batch);
            for (var r = 0; r < height; r++)
            {
                var from = src.Slice((((skipY + r) * source.Width) + skipX) * c, width * c);
                var to = dst.Slice((((top + r) * destination.Width) + left) * c, width * c);
                if (mask is null)
                {
                    from.CopyTo(to);
                    continue;
                }

                var weights = m.Slice(((skipY + r) * source.Width) + skipX, width);
                for (var i = 0; i < width; i++)
                {
                    maskRow.AsSpan(i * c, c).Fill(weights[i]);
                }

                MaskedMix(from, to, maskRow);
            }
        }

        return output;
    }

    /// <summary>to = m·from + (1 − m)·to, sample by sample.</summary>
    private static void MaskedMix(ReadOnlySpan<float> from, Span<float> to, ReadOnlySpan<float> mask)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<float>.One;
            var step = Vector<float>.Count;
            for (; i <= to.Length - step; i += step)
            {
                var m = new Vector<float>(mask[i..]);
                var mixed = (m * new Vector<float>(from[i..])) + ((one - m) * new Vector<float>(to[i..]));
                mixed.CopyTo(to[i..]);
            }
        }

        for (; i < to.Length; i++)
        {
            to[i] = (mask[i] * from[i]) + ((1f - mask[i]) * to[i]);
        }
    }
}
