using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Common;

/// <summary>
/// <c>comfy.utils.repeat_to_batch_size</c>: a batch cut to, or repeated cyclically up to, a given size.
/// The input is returned as is when it already has that size, and cutting is a view.
/// </summary>
internal static class BatchRepeat
{
    public static ImageTensor ToBatch(ImageTensor image, int batch)
    {
        if (image.Batch >= batch)
        {
            return image.Batch == batch ? image : image.Slice(0, batch);
        }

        var output = new ImageTensor(batch, image.Height, image.Width, image.Channels);
        for (var b = 0; b < batch; b++)
        {
            image.Frame(b % image.Batch).CopyTo(output.WritableFrame(b));
        }

        return output;
    }

    public static MaskTensor ToBatch(MaskTensor mask, int batch)
    {
        if (mask.Batch >= batch)
        {
            return mask.Batch == batch ? mask : mask.Slice(0, batch);
        }

        var output = new MaskTensor(batch, mask.Height, mask.Width);
        for (var b = 0; b < batch; b++)
        {
            mask.Frame(b % mask.Batch).CopyTo(output.WritableFrame(b));
        }

        return output;
    }
}
