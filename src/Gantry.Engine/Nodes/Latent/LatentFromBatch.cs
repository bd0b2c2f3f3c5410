using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Latent;

/// <summary>
/// ComfyUI's LatentFromBatch ("Latent From Batch"): <c>length</c> items from <c>batch_index</c> on, both clamped to the
/// batch; the result remembers which items it took (its batch_index, or the slice of the input's).
/// </summary>
public sealed class LatentFromBatch : ComfyNode
{
    protected override NodeSchema Define() => new("LatentFromBatch")
    {
        DisplayName = "Latent From Batch",
        Category = "latent/batch",
        Inputs =
        {
            Declared.Bare("samples", "LATENT"),
            Declared.With("batch_index", "INT", ("default", 0), ("min", 0), ("max", 63)),
            Declared.With("length", "INT", ("default", 1), ("min", 1), ("max", 64)),
        },
        Outputs = { Output.Of("LATENT") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var samples = inputs.Get<LatentTensor>("samples");
        if (samples.Batch == 0)
        {
            throw NodeException.RuntimeError("The latent batch is empty.");
        }

        var start = Math.Min(samples.Batch - 1, inputs.Get<int>("batch_index"));
        var length = Math.Min(samples.Batch - start, inputs.Get<int>("length"));
        var shape = samples.Shape.ToArray();
        shape[0] = length;
        var taken = TensorMemory.Allocate(shape);
        samples.Samples.Slice(start * samples.ItemLength, length * samples.ItemLength).CopyTo(taken);
        IReadOnlyList<int> batchIndex = samples.BatchIndex is { } index
            ? [.. index.Skip(start).Take(length)]
            : [.. Enumerable.Range(start, length)];
        return NodeOutput.Of(new LatentTensor(shape, taken, batchIndex));
    }
}
