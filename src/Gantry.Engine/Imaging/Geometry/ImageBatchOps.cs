using Gantry.Engine.Imaging.Compositing;
using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Geometry;

/// <summary>ImageBatch, RepeatImageBatch and ImageFromBatch.</summary>
public static class ImageBatchOps
{
    /// <summary>
    /// ImageBatch: when one image has an alpha channel and the other not, the other gets alpha 1.0;
    /// image2 is resized to image1's size (bilinear, centre crop) when the sizes differ; then the
    /// frames of image1 are followed by those of image2.
    /// </summary>
    public static ImageTensor Concat(ImageTensor image1, ImageTensor image2)
    {
        ArgumentNullException.ThrowIfNull(image1);
        ArgumentNullException.ThrowIfNull(image2);
        if (image1.Channels < image2.Channels)
        {
            image1 = ChannelMatch.ToChannels(image1, image2.Channels);
        }
        else if (image2.Channels < image1.Channels)
        {
            image2 = ChannelMatch.ToChannels(image2, image1.Channels);
        }

        if (image2.Width != image1.Width || image2.Height != image1.Height)
        {
            image2 = ImageResize.Resize(image2, image1.Width, image1.Height, ResizeMethod.Bilinear, CropMode.Center);
        }

        var output = new ImageTensor(image1.Batch + image2.Batch, image1.Height, image1.Width, image1.Channels);
        image1.Span.CopyTo(output.WritableSpan);
        image2.Span.CopyTo(output.WritableSpan[image1.Length..]);
        return output;
    }

    /// <summary>RepeatImageBatch: the whole batch <paramref name="amount"/> times over.</summary>
    public static ImageTensor Repeat(ImageTensor image, int amount)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(amount, 1);
        var output = new ImageTensor(checked(image.Batch * amount), image.Height, image.Width, image.Channels);
        for (var i = 0; i < amount; i++)
        {
            image.Span.CopyTo(output.WritableSpan.Slice(i * image.Length, image.Length));
        }

        return output;
    }

    /// <summary>
    /// ImageFromBatch: a negative index counts from the end; the index is clamped into the batch and the
    /// length to what is left. Returns a view of the input's frames (tensors are immutable, so no copy).
    /// </summary>
    public static ImageTensor FromBatch(ImageTensor image, int batchIndex, int length)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (batchIndex < 0)
        {
            batchIndex += image.Batch;
        }

        batchIndex = Math.Clamp(batchIndex, 0, image.Batch - 1);
        length = Math.Min(image.Batch - batchIndex, length);
        return batchIndex == 0 && length == image.Batch ? image : image.Slice(batchIndex, length);
    }
}
