using Gantry.Engine.Imaging.Compositing;
using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Blend;

/// <summary>ImageBlend (comfy_extras/nodes_post_processing.py).</summary>
public static class ImageBlend
{
    /// <summary>
    /// clamp(image1·(1 − f) + mode(image1, image2)·f, 0, 1). image2 first takes image1's channel count
    /// (image_alpha_fix) and, when its size differs, is resized to image1's size with bicubic and a centre crop.
    /// Batches must be equal or one of them 1 (torch broadcasting). A 4th channel keeps image1's alpha.
    /// </summary>
    public static ImageTensor Blend(ImageTensor image1, ImageTensor image2, double blendFactor, BlendMode mode)
    {
        ArgumentNullException.ThrowIfNull(image1);
        ArgumentNullException.ThrowIfNull(image2);
        image2 = ChannelMatch.ToChannels(image2, image1.Channels);
        if (image2.Width != image1.Width || image2.Height != image1.Height)
        {
            image2 = ImageResize.Resize(image2, image1.Width, image1.Height, ResizeMethod.Bicubic, CropMode.Center);
        }

        var batch = BroadcastBatch(image1.Batch, image2.Batch);
        var output = new ImageTensor(batch, image1.Height, image1.Width, image1.Channels);
        var factor = (float)blendFactor;
        var rowLength = image1.Width * image1.Channels;
        for (var b = 0; b < batch; b++)
        {
            var a = image1.Frame(image1.Batch == 1 ? 0 : b);
            var frame = output.WritableFrame(b);
            ParallelRows.ForSpans(
                a,
                image2.Frame(image2.Batch == 1 ? 0 : b),
                frame,
                image1.Height,
                rowLength,
                costPerSample: 4,
                (x, y, d) => BlendKernels.Blend(x, y, d, mode, factor));
            if (image1.Channels == 4)
            {
                CopyChannel(a, frame, 3, 4);
            }
        }

        return output;
    }

    internal static int BroadcastBatch(int first, int second)
    {
        if (first == second || second == 1)
        {
            return first;
        }

        if (first == 1)
        {
            return second;
        }

        throw new ArgumentException($"Batch sizes {first} and {second} cannot be broadcast together.", nameof(second));
    }

    private static void CopyChannel(ReadOnlySpan<float> source, Span<float> destination, int channel, int channels)
    {
        for (var i = channel; i < destination.Length; i += channels)
        {
            destination[i] = source[i];
        }
    }
}
