using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>ComfyUI's MaskToImage ("Convert Mask to Image"): the mask in all three colour channels.</summary>
public sealed class MaskToImage : ComfyNode
{
    protected override NodeSchema Define() => new("MaskToImage")
    {
        DisplayName = "Convert Mask to Image",
        Category = "image/mask",
        PythonModule = "comfy_extras.nodes_mask",
        SearchAliases = { "convert mask" },
        Inputs = { Input.Mask("mask") },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.Of(MaskOps.ToImage(inputs.Get<MaskTensor>("mask")));
}
