using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>
/// ComfyUI's ImageColorToMask: 1 where the pixel, clamped to [0, 1] and rounded to 8 bits per channel (half to
/// even, as torch.round), packs to <c>color</c> as 0xRRGGBB; 0 elsewhere. Alpha is ignored.
/// </summary>
public sealed class ImageColorToMask : ComfyNode
{
    protected override NodeSchema Define() => new("ImageColorToMask")
    {
        Category = "mask",
        PythonModule = "comfy_extras.nodes_mask",
        Inputs =
        {
            Declared.Bare("image", "IMAGE"),
            Input.Int("color", @default: 0, min: 0, max: 0xFFFFFF, step: 1, display: "color"),
        },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var color = inputs.Get<int>("color");
        if (image.Channels < 3)
        {
            throw NodeException.IndexError($"index {image.Channels} is out of bounds for dimension 3 with size {image.Channels}");
        }

        context.ThrowIfCancellationRequested();
        var mask = new MaskTensor(image.Batch, image.Height, image.Width);
        var source = image.Span;
        var target = mask.WritableSpan;
        for (var p = 0; p < target.Length; p++)
        {
            var at = p * image.Channels;
            var packed = (Level(source[at]) << 16) + (Level(source[at + 1]) << 8) + Level(source[at + 2]);
            target[p] = packed == color ? 1f : 0f;
        }

        return NodeOutput.Of(mask);
    }

    private static int Level(float value) => (int)MathF.Round(Math.Clamp(value, 0f, 1f) * 255f, MidpointRounding.ToEven);
}
