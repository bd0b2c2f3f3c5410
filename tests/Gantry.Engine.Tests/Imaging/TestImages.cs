using Gantry.Engine.Tensors;

namespace Gantry.Engine.Tests.Imaging;

/// <summary>Small tensors for the imaging tests, and comparisons with a tolerance.</summary>
internal static class TestImages
{
    /// <summary>An image whose samples are given row by row, pixel by pixel.</summary>
    public static ImageTensor Image(int height, int width, int channels, params float[] samples)
    {
        var image = new ImageTensor(1, height, width, channels);
        samples.CopyTo(image.WritableSpan);
        return image;
    }

    public static MaskTensor Mask(int height, int width, params float[] values)
    {
        var mask = new MaskTensor(1, height, width);
        values.CopyTo(mask.WritableSpan);
        return mask;
    }

    public static ImageTensor Random(int batch, int height, int width, int channels, int seed)
    {
        var image = new ImageTensor(batch, height, width, channels);
        var random = new Random(seed);
        var span = image.WritableSpan;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (float)random.NextDouble();
        }

        return image;
    }

    public static MaskTensor RandomMask(int batch, int height, int width, int seed)
    {
        var mask = new MaskTensor(batch, height, width);
        var random = new Random(seed);
        var span = mask.WritableSpan;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (float)random.NextDouble();
        }

        return mask;
    }

    /// <summary>The deterministic pattern make_golden.py feeds to torch and Pillow.</summary>
    public static float[] Pattern(int length, int seed)
    {
        var values = new float[length];
        for (long i = 0; i < length; i++)
        {
            values[i] = (float)(((i * 7919) + (seed * 104729L)) % 1009) / 1008f;
        }

        return values;
    }

    public static void ShouldAllBeClose(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, float tolerance)
    {
        actual.Length.ShouldBe(expected.Length);
        var worst = 0f;
        var at = -1;
        for (var i = 0; i < actual.Length; i++)
        {
            var difference = MathF.Abs(actual[i] - expected[i]);
            if (!(difference <= tolerance) && !(float.IsNaN(actual[i]) && float.IsNaN(expected[i])))
            {
                if (at < 0 || difference > worst)
                {
                    worst = difference;
                    at = i;
                }
            }
        }

        if (at >= 0)
        {
            throw new ShouldAssertException($"Sample {at} is {actual[at]} but {expected[at]} was expected (difference {worst}, tolerance {tolerance}).");
        }
    }

    public static void ShouldMatch(this ImageTensor actual, ImageTensor expected, float tolerance)
    {
        (actual.Batch, actual.Height, actual.Width, actual.Channels).ShouldBe((expected.Batch, expected.Height, expected.Width, expected.Channels));
        ShouldAllBeClose(actual.Span, expected.Span, tolerance);
    }

    public static void ShouldMatch(this MaskTensor actual, MaskTensor expected, float tolerance)
    {
        (actual.Batch, actual.Height, actual.Width).ShouldBe((expected.Batch, expected.Height, expected.Width));
        ShouldAllBeClose(actual.Span, expected.Span, tolerance);
    }
}
