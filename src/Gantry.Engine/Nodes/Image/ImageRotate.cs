using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>ComfyUI's ImageRotate ("Rotate Image"): clockwise quarter turns; 90 and 270 degrees swap width and height.</summary>
public sealed class ImageRotate : ComfyNode
{
    protected override NodeSchema Define() => new("ImageRotate")
    {
        DisplayName = "Rotate Image",
        Category = "image/transform",
        PythonModule = "comfy_extras.nodes_images",
        EssentialsCategory = "Image Tools",
        SearchAliases = { "turn", "flip orientation" },
        Inputs =
        {
            Input.Image("image"),
            Input.Combo("rotation", ["none", "90 degrees", "180 degrees", "270 degrees"]),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(ImageGeometry.Rotate(
        inputs.Get<ImageTensor>("image"),
        ImageGeometry.ParseRotation(inputs.Get<string>("rotation"))));
}
