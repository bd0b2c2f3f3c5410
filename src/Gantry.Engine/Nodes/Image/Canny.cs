using System.Globalization;
using Gantry.Engine.Imaging.Edges;
using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's Canny: kornia's canny edge map (<see cref="CannyEdges"/>) of each frame's grey (0.299 R + 0.587 G +
/// 0.114 B, kornia's weights, in float32), repeated into three channels. As under kornia, only a three-channel image
/// is turned grey: an RGBA image fails at the suppression convolution (a RuntimeError), and so does an image of two
/// pixels or fewer across (the gaussian's reflect padding). The real ComfyUI of the fidelity tier cannot run it (its
/// kornia is a stub), so it is tested against kornia's documented behaviour.
/// </summary>
public sealed class Canny : ComfyNode
{
    protected override NodeSchema Define() => new("Canny")
    {
        Category = "image/preprocessors",
        PythonModule = "comfy_extras.nodes_canny",
        Inputs =
        {
            Input.Image("image"),
            Input.Float("low_threshold", @default: 0.4, min: 0.01, max: 0.99, step: 0.01),
            Input.Float("high_threshold", @default: 0.8, min: 0.01, max: 0.99, step: 0.01),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var low = inputs.Get<double>("low_threshold");
        var high = inputs.Get<double>("high_threshold");
        if (low > high)
        {
            throw NodeException.ValueError($"Invalid input thresholds. low_threshold should be smaller than the high_threshold. Got: {PyFloat.Repr(low)}>{PyFloat.Repr(high)}");
        }

        var channels = image.Channels == 3 ? 1 : image.Channels;
        var shape = $"[{image.Batch}, {channels}, {image.Height}, {image.Width}]";
        if (image.Width <= 2 || image.Height <= 2)
        {
            throw NodeException.RuntimeError(string.Create(
                CultureInfo.InvariantCulture,
                $"Padding size should be less than the corresponding input dimension, but got: padding (2, 2) at dimension {(image.Width <= 2 ? 3 : 2)} of input {shape}"));
        }

        if (channels != 1)
        {
            throw NodeException.RuntimeError($"Given groups=1, weight of size [8, 1, 3, 3], expected input{shape} to have 1 channels, but got {channels} channels instead");
        }

        var output = new ImageTensor(image.Batch, image.Height, image.Width, 3);
        var grey = new float[image.Width * image.Height];
        for (var b = 0; b < image.Batch; b++)
        {
            context.ThrowIfCancellationRequested();
            Grey(image.Frame(b), image.Channels, grey);
            var edges = CannyEdges.Detect(grey, image.Width, image.Height, (float)low, (float)high);
            var frame = output.WritableFrame(b);
            for (var p = 0; p < edges.Length; p++)
            {
                frame[3 * p] = frame[(3 * p) + 1] = frame[(3 * p) + 2] = edges[p];
            }
        }

        return NodeOutput.Of(output);
    }

    private static void Grey(ReadOnlySpan<float> frame, int channels, float[] grey)
    {
        for (var p = 0; p < grey.Length; p++)
        {
            grey[p] = channels == 1
                ? frame[p]
                : (0.299f * frame[3 * p]) + (0.587f * frame[(3 * p) + 1]) + (0.114f * frame[(3 * p) + 2]);
        }
    }
}
