using System.Numerics;

namespace Gantry.Engine.Imaging.Color;

/// <summary>
/// The distinct colours of an RGB byte image with their pixel counts, at the coarsest-but-one precision
/// Pillow's quantizer would use: channels are shifted right one bit at a time while more than 65 536
/// distinct colours remain. Colours are kept in a bitset over the key space with per-word ranks, so a
/// colour's dense index (its rank) is found in constant time without hashing.
/// </summary>
internal sealed class ColourHistogram
{
    public const int MaxDistinctColours = 65536;

    private readonly ulong[] _bits;
    private readonly int[] _rankBefore;

    private ColourHistogram(int shift, ulong[] bits, int[] rankBefore, int[] keys, int[] counts)
    {
        Shift = shift;
        _bits = bits;
        _rankBefore = rankBefore;
        Keys = keys;
        Counts = counts;
    }

    /// <summary>Bits dropped from each channel.</summary>
    public int Shift { get; }

    /// <summary>The distinct coarse colours in ascending key order (key = r' · 2^(2k) + g' · 2^k + b', k = 8 − shift).</summary>
    public int[] Keys { get; }

    /// <summary>Pixels per distinct colour, parallel to <see cref="Keys"/>.</summary>
    public int[] Counts { get; }

    public static ColourHistogram Build(ReadOnlySpan<byte> rgb)
    {
        for (var shift = 0; ; shift++)
        {
            var bitsPerChannel = 8 - shift;
            var words = Math.Max(1, (1 << (3 * bitsPerChannel)) / 64);
            var bits = new ulong[words];
            for (var i = 0; i + 2 < rgb.Length; i += 3)
            {
                var key = Key(rgb[i], rgb[i + 1], rgb[i + 2], shift);
                bits[key >> 6] |= 1UL << (key & 63);
            }

            var rankBefore = new int[words];
            var distinct = 0;
            for (var w = 0; w < words; w++)
            {
                rankBefore[w] = distinct;
                distinct += BitOperations.PopCount(bits[w]);
            }

            if (distinct > MaxDistinctColours && shift < 8)
            {
                continue;
            }

            var keys = new int[distinct];
            var at = 0;
            for (var w = 0; w < words; w++)
            {
                for (var word = bits[w]; word != 0; word &= word - 1)
                {
                    keys[at++] = (w << 6) + BitOperations.TrailingZeroCount(word);
                }
            }

            var histogram = new ColourHistogram(shift, bits, rankBefore, keys, new int[distinct]);
            for (var i = 0; i + 2 < rgb.Length; i += 3)
            {
                histogram.Counts[histogram.Rank(Key(rgb[i], rgb[i + 1], rgb[i + 2], shift))]++;
            }

            return histogram;
        }
    }

    public static int Key(int r, int g, int b, int shift)
    {
        var bits = 8 - shift;
        return ((r >> shift) << (2 * bits)) | ((g >> shift) << bits) | (b >> shift);
    }

    /// <summary>The dense index of a key that is present.</summary>
    public int Rank(int key)
    {
        var word = key >> 6;
        var below = _bits[word] & ((1UL << (key & 63)) - 1);
        return _rankBefore[word] + BitOperations.PopCount(below);
    }

    public (int R, int G, int B) Channels(int key)
    {
        var bits = 8 - Shift;
        var mask = (1 << bits) - 1;
        return ((key >> (2 * bits)) & mask, (key >> bits) & mask, key & mask);
    }
}
