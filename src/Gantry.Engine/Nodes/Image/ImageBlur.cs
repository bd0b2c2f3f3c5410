using Gantry.Engine.Imaging.Filters;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageBlur ("Blur Image"): a (2·radius + 1)² gaussian with reflected edges. The radius must be
/// smaller than both sides of the image (torch's reflect padding fails otherwise; a RuntimeError here too).
/// </summary>
public sealed class ImageBlur : ComfyNode
{
    protected override NodeSchema Define() => new("ImageBlur")
    {
        DisplayName = "Blur Image",
        Category = "image/filters",
        PythonModule = "comfy_extras.nodes_post_processing",
        Inputs =
        {
            Input.Image("image"),
            Input.Int("blur_radius", @default: 1, min: 1, max: 31, step: 1),
            Input.Float("sigma", @default: 1.0, min: 0.1, max: 10.0, step: 0.1),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var radius = inputs.Get<int>("blur_radius");
        var sigma = (float)inputs.Get<double>("sigma");
        if (radius == 0)
        {
            return NodeOutput.Of(image);
        }

        FilterRadius.ThrowIfTooLarge(image, radius);
        return NodeOutput.Of(BatchFrames.Map(image, context, frame => ImageFilters.Blur(frame, radius, sigma)));
    }
}
