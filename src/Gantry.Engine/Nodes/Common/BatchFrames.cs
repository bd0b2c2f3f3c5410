using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Common;

/// <summary>
/// Runs an image operation frame by frame so a long batch can be interrupted between frames. A single
/// frame goes straight through (no copy); a batch is assembled from the per-frame results, which must
/// all have the same shape.
/// </summary>
internal static class BatchFrames
{
    public static ImageTensor Map(ImageTensor image, NodeContext context, Func<ImageTensor, ImageTensor> operation)
    {
        context.ThrowIfCancellationRequested();
        if (image.Batch == 1)
        {
            return operation(image);
        }

        ImageTensor? output = null;
        for (var b = 0; b < image.Batch; b++)
        {
            context.ThrowIfCancellationRequested();
            var frame = operation(image.Slice(b, 1));
            output ??= new ImageTensor(image.Batch, frame.Height, frame.Width, frame.Channels);
            frame.Span.CopyTo(output.WritableFrame(b));
        }

        return output!;
    }

    public static MaskTensor Map(MaskTensor mask, NodeContext context, Func<MaskTensor, MaskTensor> operation)
    {
        context.ThrowIfCancellationRequested();
        if (mask.Batch == 1)
        {
            return operation(mask);
        }

        MaskTensor? output = null;
        for (var b = 0; b < mask.Batch; b++)
        {
            context.ThrowIfCancellationRequested();
            var frame = operation(mask.Slice(b, 1));
            output ??= new MaskTensor(mask.Batch, frame.Height, frame.Width);
            frame.Span.CopyTo(output.WritableFrame(b));
        }

        return output!;
    }
}
