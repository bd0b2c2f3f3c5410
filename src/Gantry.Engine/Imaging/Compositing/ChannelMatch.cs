using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Compositing;

/// <summary>ComfyUI's node_helpers.image_alpha_fix and the channel padding of ImageBatch.</summary>
public static class ChannelMatch
{
    /// <summary>
    /// image_alpha_fix: returns <paramref name="source"/> with <paramref name="channels"/> channels (the destination's count):
    /// extra channels are dropped, a missing alpha channel is added as 1.0. The source is returned as is when
    /// the counts already agree.
    /// </summary>
    public static ImageTensor ToChannels(ImageTensor source, int channels)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (source.Channels == channels)
        {
            return source;
        }

        if (source.Channels < channels - 1)
        {
            throw new ArgumentException(
                $"Cannot match an image of {source.Channels} channels to {channels}: only one alpha channel can be added.",
                nameof(source));
        }

        var output = new ImageTensor(source.Batch, source.Height, source.Width, channels);
        var src = source.Span;
        var dst = output.WritableSpan;
        var keep = Math.Min(channels, source.Channels);
        var pixels = source.Batch * source.Height * source.Width;
        for (var p = 0; p < pixels; p++)
        {
            var from = src.Slice(p * source.Channels, keep);
            var to = dst.Slice(p * channels, channels);
            from.CopyTo(to);
            if (keep < channels)
            {
                to[keep] = 1f;
            }
        }

        return output;
    }
}
