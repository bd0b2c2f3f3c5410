namespace Gantry.Engine.TestSupport.Imaging;

/// <summary>
/// Undoes PNG's row filters (None, Sub, Up, Average, Paeth) of an inflated 8-bit, non-interlaced image, written from
/// the PNG specification and sharing no code with the engine's encoder, so tests can read the engine's files from
/// outside.
/// </summary>
public static class PngRows
{
    /// <summary>The raw samples of <paramref name="height"/> rows of <paramref name="width"/> × <paramref name="channels"/> bytes, each after its filter byte.</summary>
    public static byte[] Unfilter(byte[] filtered, int width, int height, int channels)
    {
        ArgumentNullException.ThrowIfNull(filtered);
        var stride = width * channels;
        if (filtered.Length != (stride + 1) * height)
        {
            throw new InvalidDataException($"inflated size {filtered.Length}, expected {(stride + 1) * height}");
        }

        var samples = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = filtered[y * (stride + 1)];
            for (var x = 0; x < stride; x++)
            {
                int left = x >= channels ? samples[(y * stride) + x - channels] : 0;
                int up = y > 0 ? samples[((y - 1) * stride) + x] : 0;
                int upLeft = x >= channels && y > 0 ? samples[((y - 1) * stride) + x - channels] : 0;
                var predicted = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"filter {filter}"),
                };
                samples[(y * stride) + x] = (byte)(filtered[(y * (stride + 1)) + 1 + x] + predicted);
            }
        }

        return samples;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
