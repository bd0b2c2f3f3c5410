using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageScale ("Upscale Image"): resize to width × height; a zero side keeps the aspect ratio,
/// both zero pass the image through; <c>crop: center</c> cuts the source to the target aspect first.
/// </summary>
public sealed class ImageScale : ComfyNode
{
    protected override NodeSchema Define() => new("ImageScale")
    {
        DisplayName = "Upscale Image",
        Category = "image/upscaling",
        EssentialsCategory = "Image Tools",
        SearchAliases = { "resize", "resize image", "scale image", "image resize", "zoom", "zoom in", "change size" },
        Inputs =
        {
            Declared.Bare("image", "IMAGE"),
            Declared.BareCombo("upscale_method", ResizeOptions.MethodNames),
            Input.Int("width", @default: 512, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("height", @default: 512, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Declared.BareCombo("crop", ResizeOptions.CropNames),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var width = inputs.Get<int>("width");
        var height = inputs.Get<int>("height");
        if (width == 0 && height == 0)
        {
            return NodeOutput.Of(image);
        }

        var method = ResizeOptions.ParseMethod(inputs.Get<string>("upscale_method"));
        var crop = ResizeOptions.ParseCrop(inputs.Get<string>("crop"));
        return NodeOutput.Of(BatchFrames.Map(image, context, frame => ImageResize.Scale(frame, method, width, height, crop)));
    }
}
