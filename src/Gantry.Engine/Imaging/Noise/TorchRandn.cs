namespace Gantry.Engine.Imaging.Noise;

/// <summary>
/// <c>torch.randn(n, generator=torch.manual_seed(seed))</c> on the CPU for a float32 tensor, as PyTorch computes it:
/// <list type="bullet">
/// <item>n ≥ 16 (a contiguous tensor): every element first takes a float uniform u, in order; then each block of 16 is
/// turned into normals by Box–Muller, pairing element j with j + 8 (r = √(−2 ln(1 − u_j)), θ = 2π·u_{j+8} in float32,
/// element j = r·cos θ, element j + 8 = r·sin θ). When n is not a multiple of 16, the last 16 elements are drawn
/// again (16 fresh uniforms after all the others) and transformed as one more block, overwriting the tail.</item>
/// <item>n &lt; 16: one normal at a time in double precision from two double uniforms (u1, u2): r = √(−2 ln(1 − u2)),
/// θ = 2π·u1, the element is r·cos θ rounded to float, and r·sin θ is kept for the next element.</item>
/// </list>
/// The transcendental functions differ: PyTorch's AVX2 kernel uses SLEEF's vectorised logf/cosf/sinf (1-ulp
/// accuracy), the engine .NET's; a block element can therefore be 1–2 ulps away from PyTorch's (docs/fidelity.md).
/// The small-tensor path is exact.
/// </summary>
internal static class TorchRandn
{
    public const int BlockSize = 16;

    public static void Fill(Span<float> destination, ulong seed)
    {
        var generator = new TorchCpuGenerator(seed);
        if (destination.Length >= BlockSize)
        {
            FillBlocks(destination, generator);
        }
        else
        {
            FillScalar(destination, generator);
        }
    }

    private static void FillBlocks(Span<float> data, TorchCpuGenerator generator)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = generator.NextFloat();
        }

        var whole = data.Length - (data.Length % BlockSize);
        for (var i = 0; i < whole; i += BlockSize)
        {
            BoxMuller16(data.Slice(i, BlockSize));
        }

        if (whole != data.Length)
        {
            var tail = data[^BlockSize..];
            for (var i = 0; i < BlockSize; i++)
            {
                tail[i] = generator.NextFloat();
            }

            BoxMuller16(tail);
        }
    }

    private static void BoxMuller16(Span<float> block)
    {
        const float TwoPi = (float)(2.0 * Math.PI);
        for (var j = 0; j < BlockSize / 2; j++)
        {
            var u1 = 1f - block[j];
            var radius = MathF.Sqrt(-2f * MathF.Log(u1));
            var theta = TwoPi * block[j + (BlockSize / 2)];
            block[j] = radius * MathF.Cos(theta);
            block[j + (BlockSize / 2)] = radius * MathF.Sin(theta);
        }
    }

    private static void FillScalar(Span<float> data, TorchCpuGenerator generator)
    {
        double? cached = null;
        for (var i = 0; i < data.Length; i++)
        {
            if (cached is { } next)
            {
                data[i] = (float)next;
                cached = null;
                continue;
            }

            var u1 = generator.NextDouble();
            var u2 = generator.NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
            var theta = 2.0 * Math.PI * u1;
            cached = radius * Math.Sin(theta);
            data[i] = (float)(radius * Math.Cos(theta));
        }
    }
}
