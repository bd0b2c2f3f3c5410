using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gantry.Engine.Imaging.Codecs;

/// <summary>
/// PNG scanline filters (None, Sub, Up, Average, Paeth) for encoding, vectorised, and libpng's adaptive
/// choice: the filter whose output has the least sum of |signed byte|. Encoding filters read only
/// unfiltered bytes, so every byte of a row is independent.
/// </summary>
internal static class PngFilters
{
    public const int Count = 5;

    /// <summary>
    /// Writes the filter type byte and the filtered row into <paramref name="destination"/> (row length + 1),
    /// choosing the adaptive best. <paramref name="scratch"/> holds at least 5 × row length bytes.
    /// </summary>
    public static void FilterAdaptive(ReadOnlySpan<byte> current, ReadOnlySpan<byte> previous, int bpp, Span<byte> scratch, Span<byte> destination)
    {
        var length = current.Length;
        var best = 0;
        var bestScore = long.MaxValue;
        for (var type = 0; type < Count; type++)
        {
            var candidate = scratch.Slice(type * length, length);
            Filter(type, current, previous, bpp, candidate);
            var score = Score(candidate);
            if (score < bestScore)
            {
                bestScore = score;
                best = type;
            }
        }

        destination[0] = (byte)best;
        scratch.Slice(best * length, length).CopyTo(destination[1..]);
    }

    /// <summary>Applies one filter type to a row; <paramref name="previous"/> is all zeros for the first row.</summary>
    public static void Filter(int type, ReadOnlySpan<byte> current, ReadOnlySpan<byte> previous, int bpp, Span<byte> output)
    {
        var length = current.Length;
        var head = Math.Min(bpp, length);
        for (var i = 0; i < head; i++)
        {
            // Left neighbours are zero in the first pixel.
            output[i] = type switch
            {
                0 or 1 => current[i],
                2 or 4 => (byte)(current[i] - previous[i]),
                _ => (byte)(current[i] - (previous[i] >> 1)),
            };
        }

        var start = head;
        var i2 = start;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i2 <= length - 32; i2 += 32)
            {
                var cur = Vector256.Create(current.Slice(i2, 32));
                Vector256<byte> result;
                switch (type)
                {
                    case 0:
                        result = cur;
                        break;
                    case 1:
                        result = cur - Vector256.Create(current.Slice(i2 - bpp, 32));
                        break;
                    case 2:
                        result = cur - Vector256.Create(previous.Slice(i2, 32));
                        break;
                    case 3:
                        {
                            var a = Vector256.Create(current.Slice(i2 - bpp, 32));
                            var b = Vector256.Create(previous.Slice(i2, 32));
                            result = cur - ((a & b) + Vector256.ShiftRightLogical(a ^ b, 1));
                            break;
                        }

                    default:
                        result = cur - PaethPredict(
                            Vector256.Create(current.Slice(i2 - bpp, 32)),
                            Vector256.Create(previous.Slice(i2, 32)),
                            Vector256.Create(previous.Slice(i2 - bpp, 32)));
                        break;
                }

                result.CopyTo(output.Slice(i2, 32));
            }
        }

        for (; i2 < length; i2++)
        {
            int a = current[i2 - bpp], b = previous[i2], c = previous[i2 - bpp];
            output[i2] = type switch
            {
                0 => current[i2],
                1 => (byte)(current[i2] - a),
                2 => (byte)(current[i2] - b),
                3 => (byte)(current[i2] - ((a + b) >> 1)),
                _ => (byte)(current[i2] - Paeth(a, b, c)),
            };
        }
    }

    /// <summary>Σ |(sbyte)v|, libpng's "minimum sum of absolute differences" heuristic.</summary>
    public static long Score(ReadOnlySpan<byte> filtered)
    {
        long sum = 0;
        var i = 0;
        if (Avx2.IsSupported)
        {
            var acc = Vector256<ulong>.Zero;
            for (; i <= filtered.Length - 32; i += 32)
            {
                var v = Vector256.Abs(Vector256.Create(filtered.Slice(i, 32)).AsSByte()).AsByte();
                acc += Avx2.SumAbsoluteDifferences(v, Vector256<byte>.Zero).AsUInt64();
            }

            sum = (long)Vector256.Sum(acc);
        }

        for (; i < filtered.Length; i++)
        {
            sum += Math.Abs((int)(sbyte)filtered[i]);
        }

        return sum;
    }

    internal static int Paeth(int a, int b, int c)
    {
        var pa = Math.Abs(b - c);
        var pb = Math.Abs(a - c);
        var pc = Math.Abs(a + b - c - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }

        return pb <= pc ? b : c;
    }

    private static Vector256<byte> PaethPredict(Vector256<byte> a, Vector256<byte> b, Vector256<byte> c)
    {
        var (aLow, aHigh) = Vector256.Widen(a);
        var (bLow, bHigh) = Vector256.Widen(b);
        var (cLow, cHigh) = Vector256.Widen(c);
        var low = PaethPredict(aLow.AsInt16(), bLow.AsInt16(), cLow.AsInt16());
        var high = PaethPredict(aHigh.AsInt16(), bHigh.AsInt16(), cHigh.AsInt16());
        return Vector256.Narrow(low.AsUInt16(), high.AsUInt16());
    }

    private static Vector256<short> PaethPredict(Vector256<short> a, Vector256<short> b, Vector256<short> c)
    {
        var bc = b - c;
        var ac = a - c;
        var pa = Vector256.Abs(bc);
        var pb = Vector256.Abs(ac);
        var pc = Vector256.Abs(bc + ac);
        var useA = Vector256.LessThanOrEqual(pa, pb) & Vector256.LessThanOrEqual(pa, pc);
        var useB = Vector256.LessThanOrEqual(pb, pc);
        return Vector256.ConditionalSelect(useA, a, Vector256.ConditionalSelect(useB, b, c));
    }
}
