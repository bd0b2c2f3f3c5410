using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageBatch ("Batch Images (DEPRECATED)"): image1's frames then image2's; a missing alpha channel is
/// added as 1.0, and image2 is resized to image1's size (bilinear, centre crop) when they differ.
/// </summary>
public sealed class ImageBatch : ComfyNode
{
    protected override NodeSchema Define() => new("ImageBatch")
    {
        DisplayName = "Batch Images (DEPRECATED)",
        Category = "image/batch",
        Deprecated = true,
        SearchAliases = { "combine images", "merge images", "stack images" },
        Inputs = { Declared.Bare("image1", "IMAGE"), Declared.Bare("image2", "IMAGE") },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.Of(ImageBatchOps.Concat(inputs.Get<ImageTensor>("image1"), inputs.Get<ImageTensor>("image2")));
}
