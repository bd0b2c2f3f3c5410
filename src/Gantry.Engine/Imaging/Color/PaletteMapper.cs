using System.Runtime.Intrinsics;

namespace Gantry.Engine.Imaging.Color;

/// <summary>
/// Pillow 9.4's mapping of RGB to a given palette (convert("P", palette=…)): every colour maps to the palette entry
/// nearest (squared RGB distance, lowest index on ties) to the colour with each channel rounded down to a multiple
/// of 4, which is the cell Pillow's 64³ colour cache computes; a colour that is itself in the palette is no
/// exception. Cells are filled lazily.
/// </summary>
internal sealed class PaletteMapper
{
    private readonly int[] _palette;
    private readonly short[] _cache = new short[64 * 64 * 64];

    // The palette channel by channel, padded to whole vectors with entries too far away to ever win.
    private readonly int[] _red;
    private readonly int[] _green;
    private readonly int[] _blue;

    public PaletteMapper(int[] palette)
    {
        ArgumentNullException.ThrowIfNull(palette);
        if (palette.Length is 0 or > 256)
        {
            throw new ArgumentException("A palette has 1 to 256 entries.", nameof(palette));
        }

        _palette = palette;
        Array.Fill(_cache, (short)-1);
        var padded = (palette.Length + 7) / 8 * 8;
        _red = new int[padded];
        _green = new int[padded];
        _blue = new int[padded];
        Array.Fill(_red, 4096);
        for (var i = 0; i < palette.Length; i++)
        {
            _red[i] = (palette[i] >> 16) & 0xFF;
            _green[i] = (palette[i] >> 8) & 0xFF;
            _blue[i] = palette[i] & 0xFF;
        }
    }

    public int Count => _palette.Length;

    public int Red(int index) => (_palette[index] >> 16) & 0xFF;

    public int Green(int index) => (_palette[index] >> 8) & 0xFF;

    public int Blue(int index) => _palette[index] & 0xFF;

    public int Map(int r, int g, int b)
    {
        var cell = (r >> 2) + ((g >> 2) * 64) + ((b >> 2) * 64 * 64);
        var cached = _cache[cell];
        if (cached >= 0)
        {
            return cached;
        }

        var nearest = Nearest(r & ~3, g & ~3, b & ~3);
        _cache[cell] = (short)nearest;
        return nearest;
    }

    /// <summary>Nearest palette entry by squared distance, lowest index on ties, eight entries per step.</summary>
    private int Nearest(int r, int g, int b)
    {
        var vr = Vector256.Create(r);
        var vg = Vector256.Create(g);
        var vb = Vector256.Create(b);
        var best = Vector256.Create(int.MaxValue);
        var bestIndex = Vector256<int>.Zero;
        var index = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var step = Vector256.Create(8);
        for (var i = 0; i < _red.Length; i += 8, index += step)
        {
            var dr = vr - Vector256.Create(_red.AsSpan(i, 8));
            var dg = vg - Vector256.Create(_green.AsSpan(i, 8));
            var db = vb - Vector256.Create(_blue.AsSpan(i, 8));
            var distance = (dr * dr) + (dg * dg) + (db * db);
            var better = Vector256.LessThan(distance, best);
            best = Vector256.ConditionalSelect(better, distance, best);
            bestIndex = Vector256.ConditionalSelect(better, index, bestIndex);
        }

        var winner = int.MaxValue;
        var winnerIndex = 0;
        for (var lane = 0; lane < 8; lane++)
        {
            var d = best.GetElement(lane);
            var at = bestIndex.GetElement(lane);
            if (d < winner || (d == winner && at < winnerIndex))
            {
                winner = d;
                winnerIndex = at;
            }
        }

        return winnerIndex;
    }
}
