namespace Gantry.Engine.Imaging.Color;

/// <summary>
/// Pillow's Floyd–Steinberg palette dither (libImaging/Convert.c, topalette): integer errors in sixteenths
/// (7 right, 3 below-left, 5 below, 1 below-right), added as (carry + error below) / 16 with C's truncating
/// division, the sum clipped to 0..255, scanning every row left to right. Pillow's end-of-row store of the
/// blue error into all three slots of the last column is reproduced.
/// </summary>
internal static class FloydSteinberg
{
    public static void Apply(ReadOnlySpan<byte> rgb, int width, int height, PaletteMapper mapper, Span<byte> output)
    {
        // errors[(x + 1)·3 + c] carries the error for column x of the next row.
        var errors = new int[(width + 1) * 3];
        for (var y = 0; y < height; y++)
        {
            int r = 0, r0 = 0, r1 = 0;
            int g = 0, g0 = 0, g1 = 0;
            int b = 0, b0 = 0, b1 = 0, b2 = 0;
            var e = 0;
            var row = y * width * 3;
            for (var x = 0; x < width; x++, e += 3)
            {
                var p = row + (x * 3);
                r = Clip8(rgb[p] + ((r + errors[e + 3]) / 16));
                g = Clip8(rgb[p + 1] + ((g + errors[e + 4]) / 16));
                b = Clip8(rgb[p + 2] + ((b + errors[e + 5]) / 16));

                var index = mapper.Map(r, g, b);
                output[p] = (byte)mapper.Red(index);
                output[p + 1] = (byte)mapper.Green(index);
                output[p + 2] = (byte)mapper.Blue(index);

                r -= mapper.Red(index);
                g -= mapper.Green(index);
                b -= mapper.Blue(index);

                (errors[e], r, r0, r1) = Spread(r, r0, r1);
                (errors[e + 1], g, g0, g1) = Spread(g, g0, g1);
                var bErr = b;
                (errors[e + 2], b, b0, b1) = Spread(b, b0, b1);
                b2 = bErr;
            }

            errors[e] = b0;
            errors[e + 1] = b1;
            errors[e + 2] = b2;
        }
    }

    /// <summary>One step of Pillow's error distribution for a channel error.</summary>
    private static (int Below, int Carry, int Pending0, int Pending1) Spread(int error, int pending0, int pending1)
    {
        var below = (3 * error) + pending0;          // 3/16 below-left plus what is pending there
        var nextPending0 = (5 * error) + pending1;   // 5/16 below
        var nextPending1 = error;                    // 1/16 below-right
        var carry = 7 * error;                       // 7/16 to the right
        return (below, carry, nextPending0, nextPending1);
    }

    private static int Clip8(int value) => value < 0 ? 0 : value > 255 ? 255 : value;
}
