using System.Numerics;
using Gantry.Engine.Imaging.Noise;
using Gantry.Engine.Json;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Image;

/// <summary>
/// ComfyUI's ImageAddNoise: <c>clip(image + strength · randn(image.shape), 0, 1)</c> with the noise drawn from PyTorch's
/// CPU generator seeded with <c>seed</c> (<see cref="TorchRandn"/>), over the whole [batch, height, width, channels]
/// tensor in memory order, alpha included. The product and the sum are float32, as PyTorch computes them.
/// </summary>
public sealed class ImageAddNoise : ComfyNode
{
    private static readonly BigInteger MaxSeed = ulong.MaxValue;

    protected override NodeSchema Define() => new("ImageAddNoise")
    {
        Category = "image",
        PythonModule = "comfy_extras.nodes_images",
        Inputs =
        {
            Declared.Bare("image", "IMAGE"),
            Declared.With(
                "seed",
                "INT",
                ("default", 0),
                ("min", 0),
                ("max", new JInt(MaxSeed)),
                ("control_after_generate", true),
                ("tooltip", "The random seed used for creating the noise.")),
            Declared.With("strength", "FLOAT", ("default", 0.5), ("min", 0.0), ("max", 1.0), ("step", 0.01)),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = inputs.Get<ImageTensor>("image");
        var seed = (ulong)(inputs.Get<BigInteger>("seed") & MaxSeed);
        var strength = (float)inputs.Get<double>("strength");
        context.ThrowIfCancellationRequested();
        return NodeOutput.Of(AddNoise(image, seed, strength));
    }

    internal static ImageTensor AddNoise(ImageTensor image, ulong seed, float strength)
    {
        var output = image.CreateLike();
        var samples = output.WritableSpan;
        TorchRandn.Fill(samples, seed);
        var source = image.Span;
        for (var i = 0; i < samples.Length; i++)
        {
            var noisy = source[i] + (strength * samples[i]);
            samples[i] = noisy < 0f ? 0f : noisy > 1f ? 1f : noisy;
        }

        return output;
    }
}
