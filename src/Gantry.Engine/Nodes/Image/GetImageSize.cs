using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's GetImageSize ("Get Image Size"): the image's width, height and batch size. ComfyUI also shows them on
/// the node as progress text for the browser; the engine has no such channel and only returns them.
/// </summary>
public sealed class GetImageSize : ComfyNode
{
    protected override NodeSchema Define() => new("GetImageSize")
    {
        DisplayName = "Get Image Size",
        Category = "image",
        Description = "Returns width and height of the image, and passes it through unchanged.",
        PythonModule = "comfy_extras.nodes_images",
        Inputs = { Declared.Bare("image", "IMAGE") },
        Hidden = { NodeModel.Hidden.UniqueId },
        Outputs = { Output.Of("INT", name: "width"), Output.Of("INT", name: "height"), Output.Of("INT", name: "batch_size") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        return NodeOutput.Of((long)image.Width, (long)image.Height, (long)image.Batch);
    }
}
