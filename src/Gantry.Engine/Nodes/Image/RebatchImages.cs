using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's RebatchImages ("Rebatch Images"), an input-list node: every frame of every image in the list, in
/// order, regrouped into batches of <c>batch_size</c> (the last may be smaller), returned as a list. Frames that
/// land in one batch must share their size (torch.cat fails otherwise; a RuntimeError here too).
/// </summary>
public sealed class RebatchImages : ComfyNode
{
    protected override NodeSchema Define() => new("RebatchImages")
    {
        DisplayName = "Rebatch Images",
        Category = "image/batch",
        PythonModule = "comfy_extras.nodes_rebatch",
        IsInputList = true,
        Inputs = { Input.Image("images"), Input.Int("batch_size", @default: 1, min: 1, max: 4096) },
        Outputs = { Output.Of("IMAGE", isList: true) },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var frames = inputs.GetList<ImageTensor>("images").SelectMany(image => Enumerable.Range(0, image.Batch).Select(b => image.Slice(b, 1))).ToList();
        var batchSize = inputs.GetList<int>("batch_size")[0];
        var batches = new List<ImageTensor>();
        for (var start = 0; start < frames.Count; start += batchSize)
        {
            context.ThrowIfCancellationRequested();
            batches.Add(Concat(frames.GetRange(start, Math.Min(batchSize, frames.Count - start))));
        }

        return NodeOutput.Of(batches);
    }

    private static ImageTensor Concat(List<ImageTensor> frames)
    {
        var first = frames[0];
        if (frames.Count == 1)
        {
            return first;
        }

        var batch = new ImageTensor(frames.Count, first.Height, first.Width, first.Channels);
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            if (frame.Height != first.Height || frame.Width != first.Width || frame.Channels != first.Channels)
            {
                throw NodeException.RuntimeError(
                    $"Sizes of tensors must match except in dimension 0. Expected size {first.Height} but got size {frame.Height} for tensor number {i} in the list.");
            }

            frame.Span.CopyTo(batch.WritableFrame(i));
        }

        return batch;
    }
}
