using Gantry.Engine.Imaging.Compositing;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageCompositeMasked ("Image Composite Masked"): pastes <c>source</c> onto <c>destination</c> at (x, y),
/// weighted by the optional mask (bilinear to the source size); <c>resize_source</c> first stretches the source to
/// the destination's size. Source and mask batches repeat to the destination's batch.
/// </summary>
public sealed class ImageCompositeMasked : ComfyNode
{
    protected override NodeSchema Define() => new("ImageCompositeMasked")
    {
        DisplayName = "Image Composite Masked",
        Category = "image/compositing",
        PythonModule = "comfy_extras.nodes_mask",
        SearchAliases = { "overlay", "layer", "paste image", "images composition" },
        Inputs =
        {
            Input.Image("destination"),
            Input.Image("source"),
            Input.Int("x", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("y", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Boolean("resize_source", @default: false),
            Input.Mask("mask").AsOptional(),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(ImageCompositing.CompositeMasked(
        inputs.Get<ImageTensor>("destination"),
        inputs.Get<ImageTensor>("source"),
        inputs.Get<int>("x"),
        inputs.Get<int>("y"),
        inputs.Get<bool>("resize_source"),
        inputs.GetOrDefault<MaskTensor?>("mask", null)));
}
