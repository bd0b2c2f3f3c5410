using System.Globalization;
using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>
/// ComfyUI's ImageToMask ("Convert Image to Mask"): one channel of every frame. Asking an RGB image for its
/// alpha is torch's IndexError, as in ComfyUI.
/// </summary>
public sealed class ImageToMask : ComfyNode
{
    protected override NodeSchema Define() => new("ImageToMask")
    {
        DisplayName = "Convert Image to Mask",
        Category = "image/mask",
        PythonModule = "comfy_extras.nodes_mask",
        SearchAliases = { "extract channel", "channel to mask" },
        Inputs =
        {
            Input.Image("image"),
            Input.Combo("channel", ["red", "green", "blue", "alpha"]),
        },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var channel = MaskOps.ParseChannel(inputs.Get<string>("channel"));
        if ((int)channel >= image.Channels)
        {
            throw NodeException.IndexError(string.Create(
                CultureInfo.InvariantCulture,
                $"index {(int)channel} is out of bounds for dimension 3 with size {image.Channels}"));
        }

        return NodeOutput.Of(MaskOps.FromImage(image, channel));
    }
}
