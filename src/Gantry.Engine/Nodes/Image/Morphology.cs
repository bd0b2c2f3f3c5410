using Gantry.Engine.Imaging.Edges;
using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's Morphology ("ImageMorphology"): kornia's erosion, dilation and their composites with a
/// kernel_size × kernel_size element of ones (<see cref="GreyMorphology"/>). The real ComfyUI of the fidelity tier
/// cannot run it (its kornia is a stub), so it is tested against kornia's documented behaviour.
/// </summary>
public sealed class Morphology : ComfyNode
{
    private static readonly string[] Operations = ["erode", "dilate", "open", "close", "gradient", "bottom_hat", "top_hat"];

    protected override NodeSchema Define() => new("Morphology")
    {
        DisplayName = "ImageMorphology",
        Category = "image/postprocessing",
        PythonModule = "comfy_extras.nodes_morphology",
        Inputs =
        {
            Input.Image("image"),
            Input.Combo("operation", Operations),
            Input.Int("kernel_size", @default: 3, min: 3, max: 999, step: 1),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var kernelSize = inputs.Get<int>("kernel_size");
        var operation = inputs.Get<string>("operation") switch
        {
            "erode" => MorphologyOperation.Erode,
            "dilate" => MorphologyOperation.Dilate,
            "open" => MorphologyOperation.Open,
            "close" => MorphologyOperation.Close,
            "gradient" => MorphologyOperation.Gradient,
            "bottom_hat" => MorphologyOperation.BottomHat,
            "top_hat" => MorphologyOperation.TopHat,
            var other => throw NodeException.ValueError($"Invalid operation {other} for morphology. Must be one of 'erode', 'dilate', 'open', 'close', 'gradient', 'tophat', 'bottomhat'"),
        };
        return NodeOutput.Of(BatchFrames.Map(image, context, frame => GreyMorphology.Apply(frame, operation, kernelSize)));
    }
}
