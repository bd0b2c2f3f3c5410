using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageScaleToMaxDimension: the longer side becomes largest_size and the other keeps the aspect ratio
/// (Python's round, half to even); a square image becomes largest_size on both sides. Its method list names
/// bilinear twice, as ComfyUI's does.
/// </summary>
public sealed class ImageScaleToMaxDimension : ComfyNode
{
    protected override NodeSchema Define() => new("ImageScaleToMaxDimension")
    {
        Category = "image/upscaling",
        PythonModule = "comfy_extras.nodes_images",
        Inputs =
        {
            Declared.Bare("image", "IMAGE"),
            Declared.BareCombo("upscale_method", ["area", "lanczos", "bilinear", "nearest-exact", "bilinear", "bicubic"]),
            Input.Int("largest_size", @default: 512, min: 0, max: ComfyLimits.MaxResolution, step: 1),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var largest = inputs.Get<int>("largest_size");
        var (width, height) = image.Height > image.Width
            ? ((int)Math.Round((double)image.Width / image.Height * largest, MidpointRounding.ToEven), largest)
            : image.Width > image.Height
                ? (largest, (int)Math.Round((double)image.Height / image.Width * largest, MidpointRounding.ToEven))
                : (largest, largest);
        var method = ResizeOptions.ParseMethod(inputs.Get<string>("upscale_method"));
        return NodeOutput.Of(BatchFrames.Map(image, context, frame => ImageResize.Resize(frame, width, height, method)));
    }
}
