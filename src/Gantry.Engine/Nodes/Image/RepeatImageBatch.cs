using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>ComfyUI's RepeatImageBatch ("Repeat Image Batch"): the whole batch <c>amount</c> times over.</summary>
public sealed class RepeatImageBatch : ComfyNode
{
    protected override NodeSchema Define() => new("RepeatImageBatch")
    {
        DisplayName = "Repeat Image Batch",
        Category = "image/batch",
        PythonModule = "comfy_extras.nodes_images",
        SearchAliases = { "duplicate image", "clone image" },
        Inputs =
        {
            Input.Image("image"),
            Input.Int("amount", @default: 1, min: 1, max: 4096),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var amount = inputs.Get<int>("amount");
        return NodeOutput.Of(amount == 1 ? image : ImageBatchOps.Repeat(image, amount));
    }
}
