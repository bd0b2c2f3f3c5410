using Gantry.Engine.Imaging.Compositing;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>
/// ComfyUI's JoinImageWithAlpha ("Join Image with Alpha"): RGB plus alpha = 1 − mask (bilinear to the image size).
/// The smaller batch repeats up to the larger one.
/// </summary>
public sealed class JoinImageWithAlpha : ComfyNode
{
    protected override NodeSchema Define() => new("JoinImageWithAlpha")
    {
        DisplayName = "Join Image with Alpha",
        Category = "mask/compositing",
        PythonModule = "comfy_extras.nodes_compositing",
        SearchAliases = { "add transparency", "apply alpha", "composite alpha", "RGBA" },
        Inputs = { Input.Image("image"), Input.Mask("alpha") },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var alpha = inputs.Get<MaskTensor>("alpha");
        var batch = Math.Max(image.Batch, alpha.Batch);
        return NodeOutput.Of(AlphaChannel.Join(BatchRepeat.ToBatch(image, batch), BatchRepeat.ToBatch(alpha, batch)));
    }
}
