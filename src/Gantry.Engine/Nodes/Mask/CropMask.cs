using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>
/// ComfyUI's CropMask ("Crop Mask"): rows y..y+height and columns x..x+width, cut at the mask's edge. A region that
/// starts outside the mask is an error here, where ComfyUI returns an empty mask that fails later.
/// </summary>
public sealed class CropMask : ComfyNode
{
    protected override NodeSchema Define() => new("CropMask")
    {
        DisplayName = "Crop Mask",
        Category = "image/mask",
        PythonModule = "comfy_extras.nodes_mask",
        SearchAliases = { "cut mask", "extract mask region", "mask slice" },
        Inputs =
        {
            Input.Mask("mask"),
            Input.Int("x", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("y", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("width", @default: 512, min: 1, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("height", @default: 512, min: 1, max: ComfyLimits.MaxResolution, step: 1),
        },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(MaskOps.Crop(
        inputs.Get<MaskTensor>("mask"),
        inputs.Get<int>("x"),
        inputs.Get<int>("y"),
        inputs.Get<int>("width"),
        inputs.Get<int>("height")));
}
