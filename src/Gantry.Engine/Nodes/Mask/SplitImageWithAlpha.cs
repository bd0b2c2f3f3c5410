using Gantry.Engine.Imaging.Compositing;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>
/// ComfyUI's SplitImageWithAlpha ("Split Image with Alpha"): the RGB channels, and the mask 1 − alpha (all zero when
/// the image has no alpha channel).
/// </summary>
public sealed class SplitImageWithAlpha : ComfyNode
{
    protected override NodeSchema Define() => new("SplitImageWithAlpha")
    {
        DisplayName = "Split Image with Alpha",
        Category = "mask/compositing",
        PythonModule = "comfy_extras.nodes_compositing",
        SearchAliases = { "extract alpha", "separate transparency", "remove alpha" },
        Inputs = { Input.Image("image") },
        Outputs = { Output.Of("IMAGE"), Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var (image, mask) = AlphaChannel.Split(inputs.Get<ImageTensor>("image"));
        return NodeOutput.Of(image, mask);
    }
}
