namespace Gantry.Engine.Imaging.Color;

/// <summary>
/// ComfyUI's ordered dither for ImageQuantize: a normalised Bayer matrix of the given order,
/// scaled by 2·256 / palette size and shifted by 0.5, is added to every channel in float32;
/// the sum is clamped to 0..255 and truncated to a byte.
/// </summary>
internal static class BayerDither
{
    public static void Apply(ReadOnlySpan<byte> rgb, int width, int height, int order, int paletteSize, Span<byte> output)
    {
        var matrix = Matrix(order);
        var spread = (float)(2.0 * 256 / paletteSize);
        for (var i = 0; i < matrix.Length; i++)
        {
            matrix[i] = (spread * matrix[i]) + 0.5f;
        }

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var offset = matrix[((y % order) * order) + (x % order)];
                var p = ((y * width) + x) * 3;
                for (var c = 0; c < 3; c++)
                {
                    var v = Math.Clamp(rgb[p + c] + offset, 0f, 255f);
                    output[p + c] = (byte)v;
                }
            }
        }
    }

    /// <summary>M₀ = [0]; Mₙ = [[m − 1.5, m + 0.5], [m + 1.5, m − 0.5]] / 4ⁿ with m = 4ⁿ·Mₙ₋₁.</summary>
    internal static float[] Matrix(int order)
    {
        var m = new float[] { 0f };
        var size = 1;
        var n = 0;
        while (size < order)
        {
            n++;
            var q = MathF.Pow(4, n);
            var next = new float[size * 2 * size * 2];
            var nextSize = size * 2;
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    var v = q * m[(y * size) + x];
                    next[(y * nextSize) + x] = (v - 1.5f) / q;
                    next[(y * nextSize) + x + size] = (v + 0.5f) / q;
                    next[((y + size) * nextSize) + x] = (v + 1.5f) / q;
                    next[((y + size) * nextSize) + x + size] = (v - 0.5f) / q;
                }
            }

            m = next;
            size = nextSize;
        }

        return m;
    }
}
