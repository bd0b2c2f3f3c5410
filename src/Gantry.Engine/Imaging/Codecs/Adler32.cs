namespace Gantry.Engine.Imaging.Codecs;

/// <summary>Adler-32 as the zlib stream trailer uses it, with zlib's combine for data computed in parts.</summary>
internal static class Adler32
{
    private const uint Base = 65521;

    /// <summary>Largest n such that 255·n·(n + 1)/2 + (n + 1)·(Base − 1) fits in 32 bits.</summary>
    private const int MaxBlock = 5552;

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        while (data.Length > 0)
        {
            var block = data[..Math.Min(MaxBlock, data.Length)];
            foreach (var v in block)
            {
                a += v;
                b += a;
            }

            a %= Base;
            b %= Base;
            data = data[block.Length..];
        }

        return (b << 16) | a;
    }

    /// <summary>The Adler-32 of first + second, from the checksums of each and the length of the second.</summary>
    public static uint Combine(uint first, uint second, long secondLength)
    {
        var remainder = (uint)(secondLength % Base);
        var sum1 = first & 0xFFFF;
        var sum2 = (uint)((ulong)remainder * sum1 % Base);
        sum1 += (second & 0xFFFF) + Base - 1;
        sum2 += ((first >> 16) & 0xFFFF) + ((second >> 16) & 0xFFFF) + Base - remainder;
        if (sum1 >= Base)
        {
            sum1 -= Base;
        }

        if (sum1 >= Base)
        {
            sum1 -= Base;
        }

        if (sum2 >= Base << 1)
        {
            sum2 -= Base << 1;
        }

        if (sum2 >= Base)
        {
            sum2 -= Base;
        }

        return sum1 | (sum2 << 16);
    }
}
