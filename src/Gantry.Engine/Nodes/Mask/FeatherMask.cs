using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>ComfyUI's FeatherMask ("Feather Mask"): linear ramps over the given number of pixels at each edge.</summary>
public sealed class FeatherMask : ComfyNode
{
    protected override NodeSchema Define() => new("FeatherMask")
    {
        DisplayName = "Feather Mask",
        Category = "image/mask",
        PythonModule = "comfy_extras.nodes_mask",
        SearchAliases = { "soft edge mask", "blur mask edges", "gradient mask edge" },
        Inputs =
        {
            Input.Mask("mask"),
            Input.Int("left", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("top", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("right", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("bottom", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
        },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(MaskFeather.Feather(
        inputs.Get<MaskTensor>("mask"),
        inputs.Get<int>("left"),
        inputs.Get<int>("top"),
        inputs.Get<int>("right"),
        inputs.Get<int>("bottom")));
}
