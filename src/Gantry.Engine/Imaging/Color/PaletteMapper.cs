namespace Gantry.Engine.Imaging.Color;

/// <summary>
/// Pillow's mapping of RGB to a given palette (convert("P", palette=…)): a colour that is exactly in the
/// palette maps to it; any other colour maps to the palette entry nearest (squared RGB distance, lowest
/// index on ties) to the colour with each channel rounded down to a multiple of 4, which is the cell
/// Pillow's 64³ colour cache computes. Cells are filled lazily.
/// </summary>
internal sealed class PaletteMapper
{
    private readonly int[] _palette;
    private readonly Dictionary<int, int> _exact = [];
    private readonly short[] _cache = new short[64 * 64 * 64];

    public PaletteMapper(int[] palette)
    {
        ArgumentNullException.ThrowIfNull(palette);
        if (palette.Length is 0 or > 256)
        {
            throw new ArgumentException("A palette has 1 to 256 entries.", nameof(palette));
        }

        _palette = palette;
        for (var i = 0; i < palette.Length; i++)
        {
            _exact.TryAdd(palette[i], i);
        }

        Array.Fill(_cache, (short)-1);
    }

    public int Count => _palette.Length;

    public int Red(int index) => (_palette[index] >> 16) & 0xFF;

    public int Green(int index) => (_palette[index] >> 8) & 0xFF;

    public int Blue(int index) => _palette[index] & 0xFF;

    public int Map(int r, int g, int b)
    {
        if (_exact.TryGetValue((r << 16) | (g << 8) | b, out var exact))
        {
            return exact;
        }

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

    private int Nearest(int r, int g, int b)
    {
        var best = 0;
        var bestDistance = int.MaxValue;
        for (var i = 0; i < _palette.Length; i++)
        {
            var dr = r - Red(i);
            var dg = g - Green(i);
            var db = b - Blue(i);
            var distance = (dr * dr) + (dg * dg) + (db * db);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = i;
            }
        }

        return best;
    }
}
