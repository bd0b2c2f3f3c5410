using Gantry.Engine.Imaging.Codecs;

namespace Gantry.Tests.RealComfyUi.Fidelity;

/// <summary>How far two PNG files' pixels are apart, in 8-bit levels, over every channel including alpha.</summary>
public sealed record ImageDifference(int MaxLevels, double DifferingFraction, string Describe)
{
    public static ImageDifference Between(byte[] expectedPng, byte[] actualPng)
    {
        var expected = ImageDecoder.Decode(expectedPng);
        var actual = ImageDecoder.Decode(actualPng);
        var e = expected.Image;
        var a = actual.Image;
        if ((e.Width, e.Height, e.Channels, expected.HasAlpha) != (a.Width, a.Height, a.Channels, actual.HasAlpha))
        {
            return new ImageDifference(int.MaxValue, 1, $"shape {e.Width}x{e.Height}x{e.Channels} alpha={expected.HasAlpha} vs {a.Width}x{a.Height}x{a.Channels} alpha={actual.HasAlpha}");
        }

        var max = 0;
        var differing = 0;
        var pixels = e.Width * e.Height;
        var es = e.Span;
        var @as = a.Span;
        var em = expected.Mask.Span;
        var am = actual.Mask.Span;
        for (var p = 0; p < pixels; p++)
        {
            var worst = 0;
            for (var c = 0; c < e.Channels; c++)
            {
                worst = Math.Max(worst, Math.Abs(Level(es[(p * e.Channels) + c]) - Level(@as[(p * e.Channels) + c])));
            }

            if (expected.HasAlpha)
            {
                worst = Math.Max(worst, Math.Abs(Level(em[p]) - Level(am[p])));
            }

            max = Math.Max(max, worst);
            differing += worst > 0 ? 1 : 0;
        }

        var fraction = (double)differing / pixels;
        return new ImageDifference(max, fraction, $"{e.Width}x{e.Height}x{e.Channels}: max {max} levels on {fraction:P2} of pixels");
    }

    private static int Level(float value) => (int)MathF.Round(value * 255f);
}
