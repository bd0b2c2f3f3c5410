using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageCrop ("Crop Image (DEPRECATED)", superseded there by ImageCropV2): the width × height region at
/// (x, y), with x and y clamped to the last column and row and the region cut at the image's edge.
/// </summary>
public sealed class ImageCrop : ComfyNode
{
    protected override NodeSchema Define() => new("ImageCrop")
    {
        DisplayName = "Crop Image (DEPRECATED)",
        Category = "image/transform",
        PythonModule = "comfy_extras.nodes_images",
        Deprecated = true,
        EssentialsCategory = "Image Tools",
        SearchAliases = { "trim" },
        Inputs =
        {
            Input.Image("image"),
            Input.Int("width", @default: 512, min: 1, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("height", @default: 512, min: 1, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("x", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("y", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(ImageGeometry.Crop(
        inputs.Get<ImageTensor>("image"),
        inputs.Get<int>("width"),
        inputs.Get<int>("height"),
        inputs.Get<int>("x"),
        inputs.Get<int>("y")));
}
