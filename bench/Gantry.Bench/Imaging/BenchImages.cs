using Gantry.Engine.Tensors;

namespace Gantry.Bench.Imaging;

/// <summary>A photo-like 1024×1024 RGB frame: smooth gradients with a little deterministic grain.</summary>
internal static class BenchImages
{
    public const int Size = 1024;

    public static ImageTensor Photo(int seed = 1, int channels = 3)
    {
        var image = new ImageTensor(1, Size, Size, channels);
        var s = image.WritableSpan;
        var random = new Random(seed);
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var smooth = 0.5f + (0.35f * MathF.Sin((x * 0.011f) + (c * 1.7f) + seed) * MathF.Cos((y * 0.007f) - c));
                    s[(((y * Size) + x) * channels) + c] = Math.Clamp(smooth + ((float)random.NextDouble() * 0.04f) - 0.02f, 0f, 1f);
                }
            }
        }

        return image;
    }
}
