using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>ComfyUI's InvertMask ("Invert Mask"): 1 − mask.</summary>
public sealed class InvertMask : ComfyNode
{
    protected override NodeSchema Define() => new("InvertMask")
    {
        DisplayName = "Invert Mask",
        Category = "image/mask",
        PythonModule = "comfy_extras.nodes_mask",
        SearchAliases = { "reverse mask", "flip mask" },
        Inputs = { Input.Mask("mask") },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.Of(MaskOps.Invert(inputs.Get<MaskTensor>("mask")));
}
