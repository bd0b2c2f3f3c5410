using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ResizeAndPadImage: scaled by min(target_width / width, target_height / height) (sides truncated) with the
/// chosen interpolation, then centred (offsets rounded down) on a target_width × target_height canvas of white
/// (1.0 in every channel, alpha included) or black.
/// </summary>
public sealed class ResizeAndPadImage : ComfyNode
{
    protected override NodeSchema Define() => new("ResizeAndPadImage")
    {
        Category = "image/transform",
        PythonModule = "comfy_extras.nodes_images",
        Inputs =
        {
            Declared.Bare("image", "IMAGE"),
            Input.Int("target_width", @default: 512, min: 1, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("target_height", @default: 512, min: 1, max: ComfyLimits.MaxResolution, step: 1),
            Declared.BareCombo("padding_color", ["white", "black"]),
            Declared.BareCombo("interpolation", ["area", "bicubic", "nearest-exact", "bilinear", "lanczos"]),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var targetWidth = inputs.Get<int>("target_width");
        var targetHeight = inputs.Get<int>("target_height");
        var scale = Math.Min((double)targetWidth / image.Width, (double)targetHeight / image.Height);
        var width = (int)(image.Width * scale);
        var height = (int)(image.Height * scale);
        context.ThrowIfCancellationRequested();
        var resized = ImageResize.Resize(image, width, height, ResizeOptions.ParseMethod(inputs.Get<string>("interpolation")));
        var pad = inputs.Get<string>("padding_color") == "black" ? 0f : 1f;
        var output = ImageAssembly.Filled(image.Batch, targetHeight, targetWidth, image.Channels, pad);
        ImageAssembly.Place(resized, output, (targetHeight - height) / 2, (targetWidth - width) / 2);
        return NodeOutput.Of(output);
    }
}
