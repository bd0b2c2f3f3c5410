using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageRGBToYUV: kornia's YCbCr of the RGB channels (Y = 0.299 R + 0.587 G + 0.114 B,
/// U = (B − Y)·0.564 + 0.5, V = (R − Y)·0.713 + 0.5), each returned as an image whose channels all hold it.
/// Like kornia, it takes only three channels (an RGBA image is a ValueError). ComfyUI here cannot run it (kornia is
/// stubbed), so it is tested against kornia's documented formulas.
/// </summary>
public sealed class ImageRGBToYUV : ComfyNode
{
    protected override NodeSchema Define() => new("ImageRGBToYUV")
    {
        Category = "image/batch",
        PythonModule = "comfy_extras.nodes_morphology",
        Inputs = { Input.Image("image") },
        Outputs = { Output.Of("IMAGE", name: "Y"), Output.Of("IMAGE", name: "U"), Output.Of("IMAGE", name: "V") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        if (image.Channels != 3)
        {
            throw NodeException.ValueError($"Input size must have a shape of (*, 3, H, W). Got torch.Size([{image.Batch}, {image.Channels}, {image.Height}, {image.Width}])");
        }

        context.ThrowIfCancellationRequested();
        var y = image.CreateLike();
        var u = image.CreateLike();
        var v = image.CreateLike();
        var source = image.Span;
        Span<float> ys = y.WritableSpan, us = u.WritableSpan, vs = v.WritableSpan;
        var channels = image.Channels;
        for (var p = 0; p < source.Length; p += channels)
        {
            float r = source[p], g = source[p + 1], b = source[p + 2];
            var luma = (0.299f * r) + (0.587f * g) + (0.114f * b);
            var cb = ((b - luma) * 0.564f) + 0.5f;
            var cr = ((r - luma) * 0.713f) + 0.5f;
            ys.Slice(p, channels).Fill(luma);
            us.Slice(p, channels).Fill(cb);
            vs.Slice(p, channels).Fill(cr);
        }

        return NodeOutput.Of(y, u, v);
    }
}
