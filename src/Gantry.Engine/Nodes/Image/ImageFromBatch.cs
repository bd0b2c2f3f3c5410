using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageFromBatch ("Get Image from Batch"): <c>length</c> frames from <c>batch_index</c> (negative counts
/// from the end; both clamped into the batch). The result is a view of the input's frames, not a copy.
/// </summary>
public sealed class ImageFromBatch : ComfyNode
{
    protected override NodeSchema Define() => new("ImageFromBatch")
    {
        DisplayName = "Get Image from Batch",
        Category = "image/batch",
        PythonModule = "comfy_extras.nodes_images",
        SearchAliases = { "select image", "pick from batch", "extract image" },
        Inputs =
        {
            Input.Image("image"),
            Input.Int("batch_index", @default: 0, min: -ComfyLimits.MaxResolution, max: ComfyLimits.MaxResolution),
            Input.Int("length", @default: 1, min: 1, max: 4096),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(ImageBatchOps.FromBatch(
        inputs.Get<ImageTensor>("image"),
        inputs.Get<int>("batch_index"),
        inputs.Get<int>("length")));
}
