using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Latent;

/// <summary>
/// ComfyUI's RepeatLatentBatch ("Repeat Latent Batch"): the batch repeated <c>amount</c> times; a batch_index list is
/// extended by copies shifted by its span (max − min + 1) each time.
/// </summary>
public sealed class RepeatLatentBatch : ComfyNode
{
    protected override NodeSchema Define() => new("RepeatLatentBatch")
    {
        DisplayName = "Repeat Latent Batch",
        Category = "latent/batch",
        Inputs =
        {
            Declared.Bare("samples", "LATENT"),
            Declared.With("amount", "INT", ("default", 1), ("min", 1), ("max", 64)),
        },
        Outputs = { Output.Of("LATENT") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var samples = inputs.Get<LatentTensor>("samples");
        var amount = inputs.Get<int>("amount");
        var shape = samples.Shape.ToArray();
        shape[0] = checked(shape[0] * amount);
        var repeated = TensorMemory.Allocate(shape);
        for (var i = 0; i < amount; i++)
        {
            samples.Samples.CopyTo(repeated.AsSpan(i * samples.Length));
        }

        List<int>? batchIndex = null;
        if (samples.BatchIndex is { Count: > 0 } index)
        {
            var offset = index.Max() - index.Min() + 1;
            batchIndex = [.. index];
            for (var i = 1; i < amount; i++)
            {
                batchIndex.AddRange(index.Select(x => x + (i * offset)));
            }
        }

        return NodeOutput.Of(new LatentTensor(shape, repeated, batchIndex));
    }
}
