using Gantry.Engine.Imaging.Color;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>ComfyUI's ImageInvert ("Invert Image Colors"): 1 − x on the colour channels; an alpha channel is kept.</summary>
public sealed class ImageInvert : ComfyNode
{
    protected override NodeSchema Define() => new("ImageInvert")
    {
        DisplayName = "Invert Image Colors",
        Category = "image/color",
        EssentialsCategory = "Image Tools",
        SearchAliases = { "reverse colors" },
        Inputs = { Declared.Bare("image", "IMAGE") },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.Of(ImageColor.Invert(inputs.Get<ImageTensor>("image")));
}
