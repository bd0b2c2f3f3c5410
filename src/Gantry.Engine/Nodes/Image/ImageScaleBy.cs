using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>ComfyUI's ImageScaleBy ("Upscale Image By"): each side times <c>scale_by</c>, rounded half to even.</summary>
public sealed class ImageScaleBy : ComfyNode
{
    protected override NodeSchema Define() => new("ImageScaleBy")
    {
        DisplayName = "Upscale Image By",
        Category = "image/upscaling",
        EssentialsCategory = "Image Tools",
        Inputs =
        {
            Declared.Bare("image", "IMAGE"),
            Declared.BareCombo("upscale_method", ResizeOptions.MethodNames),
            Input.Float("scale_by", @default: 1.0, min: 0.01, max: 8.0, step: 0.01),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var method = ResizeOptions.ParseMethod(inputs.Get<string>("upscale_method"));
        var scaleBy = inputs.Get<double>("scale_by");
        return NodeOutput.Of(BatchFrames.Map(image, context, frame => ImageResize.ScaleBy(frame, method, scaleBy)));
    }
}
