using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImagePadForOutpaint ("Pad Image for Outpainting"): grows the canvas with 0.5 grey and returns a
/// one-frame mask that is 1 over the new border and, with feathering, fades ((f − d) / f)² into the image.
/// </summary>
public sealed class ImagePadForOutpaint : ComfyNode
{
    protected override NodeSchema Define() => new("ImagePadForOutpaint")
    {
        DisplayName = "Pad Image for Outpainting",
        Category = "image/transform",
        SearchAliases = { "extend canvas", "expand image" },
        Inputs =
        {
            Declared.Bare("image", "IMAGE"),
            Input.Int("left", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 8),
            Input.Int("top", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 8),
            Input.Int("right", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 8),
            Input.Int("bottom", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 8),
            Input.Int("feathering", @default: 40, min: 0, max: ComfyLimits.MaxResolution, step: 1).With("advanced", true),
        },
        Outputs = { Output.Of("IMAGE"), Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var (image, mask) = ImageGeometry.PadForOutpaint(
            inputs.Get<ImageTensor>("image"),
            inputs.Get<int>("left"),
            inputs.Get<int>("top"),
            inputs.Get<int>("right"),
            inputs.Get<int>("bottom"),
            inputs.Get<int>("feathering"));
        return NodeOutput.Of(image, mask);
    }
}
