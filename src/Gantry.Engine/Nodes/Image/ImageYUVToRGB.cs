using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageYUVToRGB: the mean of each input's channels as Y, U and V, then kornia's inverse YCbCr
/// (R = Y + 1.403 (V − ½), G = Y − 0.714 (V − ½) − 0.344 (U − ½), B = Y + 1.773 (U − ½)), not clamped. The three
/// inputs must have the same batch, height and width (torch.cat fails otherwise; a RuntimeError here too).
/// </summary>
public sealed class ImageYUVToRGB : ComfyNode
{
    protected override NodeSchema Define() => new("ImageYUVToRGB")
    {
        Category = "image/batch",
        PythonModule = "comfy_extras.nodes_morphology",
        Inputs = { Input.Image("Y"), Input.Image("U"), Input.Image("V") },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var y = inputs.Get<ImageTensor>("Y");
        var u = inputs.Get<ImageTensor>("U");
        var v = inputs.Get<ImageTensor>("V");
        foreach (var other in new[] { u, v })
        {
            if (other.Batch != y.Batch || other.Height != y.Height || other.Width != y.Width)
            {
                throw NodeException.RuntimeError(
                    $"Sizes of tensors must match except in dimension 3. Expected size {y.Batch}x{y.Height}x{y.Width} but got size {other.Batch}x{other.Height}x{other.Width} for tensor number 1 in the list.");
            }
        }

        context.ThrowIfCancellationRequested();
        var output = new ImageTensor(y.Batch, y.Height, y.Width, 3);
        var rgb = output.WritableSpan;
        for (int p = 0, pixels = y.Batch * y.Height * y.Width; p < pixels; p++)
        {
            var luma = Mean(y, p);
            var cb = Mean(u, p) - 0.5f;
            var cr = Mean(v, p) - 0.5f;
            rgb[3 * p] = luma + (1.403f * cr);
            rgb[(3 * p) + 1] = luma - (0.714f * cr) - (0.344f * cb);
            rgb[(3 * p) + 2] = luma + (1.773f * cb);
        }

        return NodeOutput.Of(output);
    }

    private static float Mean(ImageTensor image, int pixel)
    {
        var values = image.Span.Slice(pixel * image.Channels, image.Channels);
        var sum = 0f;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum / image.Channels;
    }
}
