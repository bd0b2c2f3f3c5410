using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>ComfyUI's ImageFlip ("Flip Image"): "x-axis: vertically" swaps top and bottom, "y-axis: horizontally" left and right.</summary>
public sealed class ImageFlip : ComfyNode
{
    protected override NodeSchema Define() => new("ImageFlip")
    {
        DisplayName = "Flip Image",
        Category = "image/transform",
        PythonModule = "comfy_extras.nodes_images",
        SearchAliases = { "mirror", "reflect" },
        Inputs =
        {
            Input.Image("image"),
            Input.Combo("flip_method", ["x-axis: vertically", "y-axis: horizontally"]),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(ImageGeometry.Flip(
        inputs.Get<ImageTensor>("image"),
        ImageGeometry.ParseFlip(inputs.Get<string>("flip_method"))));
}
