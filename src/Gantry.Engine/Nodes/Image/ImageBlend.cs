using Gantry.Engine.Imaging.Blend;
using Gantry.Engine.Tensors;
using BlendOps = Gantry.Engine.Imaging.Blend.ImageBlend;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageBlend ("Blend Images"): clamp(image1·(1 − f) + mode(image1, image2)·f, 0, 1); image2 takes
/// image1's channels and, if its size differs, image1's size (bicubic, centre crop); image1's alpha is kept.
/// </summary>
public sealed class ImageBlend : ComfyNode
{
    protected override NodeSchema Define() => new("ImageBlend")
    {
        DisplayName = "Blend Images",
        Category = "image/filters",
        PythonModule = "comfy_extras.nodes_post_processing",
        EssentialsCategory = "Image Tools",
        SearchAliases = { "mix images" },
        Inputs =
        {
            Input.Image("image1"),
            Input.Image("image2"),
            Input.Float("blend_factor", @default: 0.5, min: 0.0, max: 1.0, step: 0.01),
            Input.Combo("blend_mode", BlendModes.Names),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(BlendOps.Blend(
        inputs.Get<ImageTensor>("image1"),
        inputs.Get<ImageTensor>("image2"),
        inputs.Get<double>("blend_factor"),
        BlendModes.Parse(inputs.Get<string>("blend_mode"))));
}
