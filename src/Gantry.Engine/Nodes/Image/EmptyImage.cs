using Gantry.Engine.Imaging.Color;
using Gantry.Engine.Nodes.Common;

namespace Gantry.Engine.Nodes.Image;

/// <summary>ComfyUI's EmptyImage ("Empty Image"): an RGB batch filled with one 0xRRGGBB colour.</summary>
public sealed class EmptyImage : ComfyNode
{
    protected override NodeSchema Define() => new("EmptyImage")
    {
        DisplayName = "Empty Image",
        Category = "image",
        Inputs =
        {
            Input.Int("width", @default: 512, min: 1, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("height", @default: 512, min: 1, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("batch_size", @default: 1, min: 1, max: 4096),
            Input.Int("color", @default: 0, min: 0, max: 0xFFFFFF, step: 1, display: "color"),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(ImageColor.CreateSolid(
        inputs.Get<int>("width"),
        inputs.Get<int>("height"),
        inputs.Get<int>("batch_size"),
        inputs.Get<int>("color")));
}
