using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageScaleToTotalPixels ("Scale Image to Total Pixels"): keeps the aspect ratio and scales to about
/// <c>megapixels</c> × 1024² pixels, each side rounded to a multiple of <c>resolution_steps</c>.
/// </summary>
public sealed class ImageScaleToTotalPixels : ComfyNode
{
    protected override NodeSchema Define() => new("ImageScaleToTotalPixels")
    {
        DisplayName = "Scale Image to Total Pixels",
        Category = "image/upscaling",
        PythonModule = "comfy_extras.nodes_post_processing",
        Inputs =
        {
            Input.Image("image"),
            Input.Combo("upscale_method", ResizeOptions.MethodNames),
            Input.Float("megapixels", @default: 1.0, min: 0.01, max: 16.0, step: 0.01),
            Declared.With("resolution_steps", "INT", ("advanced", true), ("default", 1), ("min", 1), ("max", 256)),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var method = ResizeOptions.ParseMethod(inputs.Get<string>("upscale_method"));
        var megapixels = inputs.Get<double>("megapixels");
        var steps = inputs.Get<int>("resolution_steps");
        return NodeOutput.Of(BatchFrames.Map(image, context, frame => ImageResize.ScaleToTotalPixels(frame, method, megapixels, steps)));
    }
}
