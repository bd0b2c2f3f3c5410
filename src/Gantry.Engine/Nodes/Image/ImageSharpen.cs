using Gantry.Engine.Imaging.Filters;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageSharpen ("Sharpen Image"): clamp((1 + 10α)·x − 10α·gaussian(x), 0, 1) with a
/// (2·radius + 1)² gaussian and reflected edges; the radius must be smaller than both sides of the image.
/// </summary>
public sealed class ImageSharpen : ComfyNode
{
    protected override NodeSchema Define() => new("ImageSharpen")
    {
        DisplayName = "Sharpen Image",
        Category = "image/filters",
        PythonModule = "comfy_extras.nodes_post_processing",
        Inputs =
        {
            Input.Image("image"),
            Declared.With("sharpen_radius", "INT", ("advanced", true), ("default", 1), ("min", 1), ("max", 31), ("step", 1)),
            Declared.With("sigma", "FLOAT", ("advanced", true), ("default", 1.0), ("min", 0.1), ("max", 10.0), ("step", 0.01)),
            Declared.With("alpha", "FLOAT", ("advanced", true), ("default", 1.0), ("min", 0.0), ("max", 5.0), ("step", 0.01)),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var radius = inputs.Get<int>("sharpen_radius");
        var sigma = (float)inputs.Get<double>("sigma");
        var alpha = (float)inputs.Get<double>("alpha");
        if (radius == 0)
        {
            return NodeOutput.Of(image);
        }

        FilterRadius.ThrowIfTooLarge(image, radius);
        return NodeOutput.Of(BatchFrames.Map(image, context, frame => ImageFilters.Sharpen(frame, radius, sigma, alpha)));
    }
}
