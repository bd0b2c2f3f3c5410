using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Geometry;

/// <summary>Padding, channel filling and concatenation of image tensors (torch.nn.functional.pad, torch.cat).</summary>
public static class ImageAssembly
{
    /// <summary>An image of the given shape, every value <paramref name="value"/>.</summary>
    public static ImageTensor Filled(int batch, int height, int width, int channels, float value)
    {
        var image = new ImageTensor(batch, height, width, channels);
        image.WritableSpan.Fill(value);
        return image;
    }

    /// <summary>The batch grown to <paramref name="batch"/> frames by repeating its last frame.</summary>
    public static ImageTensor RepeatLastFrame(ImageTensor image, int batch)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Batch >= batch)
        {
            return image;
        }

        var output = new ImageTensor(batch, image.Height, image.Width, image.Channels);
        image.Span.CopyTo(output.WritableSpan);
        for (var b = image.Batch; b < batch; b++)
        {
            image.Frame(image.Batch - 1).CopyTo(output.WritableFrame(b));
        }

        return output;
    }

    /// <summary>Constant padding around each frame (negative amounts are not supported).</summary>
    public static ImageTensor Pad(ImageTensor image, int top, int bottom, int left, int right, float value)
    {
        ArgumentNullException.ThrowIfNull(image);
        var output = Filled(image.Batch, image.Height + top + bottom, image.Width + left + right, image.Channels, value);
        Place(image, output, top, left);
        return output;
    }

    /// <summary>Extra channels appended, filled with 1.0 (alpha for an RGB image).</summary>
    public static ImageTensor WithChannels(ImageTensor image, int channels)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels >= channels)
        {
            return image;
        }

        var output = Filled(image.Batch, image.Height, image.Width, channels, 1f);
        var source = image.Span;
        var target = output.WritableSpan;
        for (int p = 0, pixels = image.Batch * image.Height * image.Width; p < pixels; p++)
        {
            source.Slice(p * image.Channels, image.Channels).CopyTo(target.Slice(p * channels));
        }

        return output;
    }

    /// <summary>
    /// torch.cat along width (<paramref name="horizontal"/>) or height: the other dimensions must agree, or a
    /// RuntimeError names the first that does not.
    /// </summary>
    public static ImageTensor Concat(IReadOnlyList<ImageTensor> parts, bool horizontal)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var first = parts[0];
        for (var i = 1; i < parts.Count; i++)
        {
            var part = parts[i];
            var (dimension, expected, got) =
                part.Batch != first.Batch ? (0, first.Batch, part.Batch)
                : horizontal && part.Height != first.Height ? (1, first.Height, part.Height)
                : !horizontal && part.Width != first.Width ? (2, first.Width, part.Width)
                : part.Channels != first.Channels ? (3, first.Channels, part.Channels)
                : (-1, 0, 0);
            if (dimension >= 0)
            {
                throw NodeException.RuntimeError(
                    $"Sizes of tensors must match except in dimension {(horizontal ? 2 : 1)}. Expected size {expected} but got size {got} for tensor number {i} in the list.");
            }
        }

        var output = horizontal
            ? new ImageTensor(first.Batch, first.Height, parts.Sum(p => p.Width), first.Channels)
            : new ImageTensor(first.Batch, parts.Sum(p => p.Height), first.Width, first.Channels);
        var offset = 0;
        foreach (var part in parts)
        {
            Place(part, output, horizontal ? 0 : offset, horizontal ? offset : 0);
            offset += horizontal ? part.Width : part.Height;
        }

        return output;
    }

    /// <summary>Copies every frame of <paramref name="source"/> into <paramref name="target"/> at (top, left); same batch and channels.</summary>
    public static void Place(ImageTensor source, ImageTensor target, int top, int left)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var row = source.Width * source.Channels;
        for (var b = 0; b < source.Batch; b++)
        {
            var from = source.Frame(b);
            var to = target.WritableFrame(b);
            for (var y = 0; y < source.Height; y++)
            {
                from.Slice(y * row, row).CopyTo(to.Slice((((top + y) * target.Width) + left) * target.Channels));
            }
        }
    }
}
