using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Imaging;

namespace Gantry.Engine.Tests.Nodes.Support;

/// <summary>Shape-and-samples assertions for node outputs (tolerance 1e-5 unless given).</summary>
public static class TensorAssert
{
    public static void ShouldBe(this ImageTensor image, (int Batch, int Height, int Width, int Channels) shape, params float[] samples)
    {
        (image.Batch, image.Height, image.Width, image.Channels).ShouldBe(shape);
        TestImages.ShouldAllBeClose(image.Span, Expand(samples, image.Length), 1e-5f);
    }

    public static void ShouldBe(this MaskTensor mask, (int Batch, int Height, int Width) shape, params float[] values)
    {
        (mask.Batch, mask.Height, mask.Width).ShouldBe(shape);
        TestImages.ShouldAllBeClose(mask.Span, Expand(values, mask.Length), 1e-5f);
    }

    /// <summary>A single expected value stands for every sample.</summary>
    private static float[] Expand(float[] values, int length) => values.Length == 1 ? [.. Enumerable.Repeat(values[0], length)] : values;
}
