using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Nodes.Common;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>ComfyUI's SolidMask ("Create Solid Mask"): one width × height frame filled with <c>value</c>.</summary>
public sealed class SolidMask : ComfyNode
{
    protected override NodeSchema Define() => new("SolidMask")
    {
        DisplayName = "Create Solid Mask",
        Category = "image/mask",
        PythonModule = "comfy_extras.nodes_mask",
        Inputs =
        {
            Input.Float("value", @default: 1.0, min: 0.0, max: 1.0, step: 0.01),
            Input.Int("width", @default: 512, min: 1, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("height", @default: 512, min: 1, max: ComfyLimits.MaxResolution, step: 1),
        },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.Of(MaskOps.Solid(inputs.Get<double>("value"), inputs.Get<int>("width"), inputs.Get<int>("height")));
}
