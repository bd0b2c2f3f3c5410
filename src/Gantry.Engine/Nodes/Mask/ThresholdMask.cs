using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>ComfyUI's ThresholdMask ("Threshold Mask"): 1 where mask &gt; value, else 0.</summary>
public sealed class ThresholdMask : ComfyNode
{
    protected override NodeSchema Define() => new("ThresholdMask")
    {
        DisplayName = "Threshold Mask",
        Category = "image/mask",
        PythonModule = "comfy_extras.nodes_mask",
        SearchAliases = { "binary mask" },
        Inputs =
        {
            Input.Mask("mask"),
            Input.Float("value", @default: 0.5, min: 0.0, max: 1.0, step: 0.01),
        },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.Of(MaskOps.Threshold(inputs.Get<MaskTensor>("mask"), inputs.Get<double>("value")));
}
