using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;
using QuantizeOps = Gantry.Engine.Imaging.Color.ImageQuantize;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageQuantize ("Quantize Image"): per frame, Pillow's median-cut palette of at most <c>colors</c>
/// colours and a remap without dithering, with Floyd–Steinberg, or with an ordered Bayer matrix; alpha is kept.
/// </summary>
public sealed class ImageQuantize : ComfyNode
{
    protected override NodeSchema Define() => new("ImageQuantize")
    {
        DisplayName = "Quantize Image",
        Category = "image/filters",
        PythonModule = "comfy_extras.nodes_post_processing",
        Inputs =
        {
            Input.Image("image"),
            Input.Int("colors", @default: 256, min: 1, max: 256, step: 1),
            Input.Combo("dither", QuantizeOps.DitherNames),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var colors = inputs.Get<int>("colors");
        var dither = QuantizeOps.ParseDither(inputs.Get<string>("dither"));
        return NodeOutput.Of(BatchFrames.Map(image, context, frame => QuantizeOps.Quantize(frame, colors, dither)));
    }
}
