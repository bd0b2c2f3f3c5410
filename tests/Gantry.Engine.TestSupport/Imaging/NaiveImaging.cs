using Gantry.Engine.Imaging.Blend;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.TestSupport.Imaging;

/// <summary>
/// Plain scalar loops written straight from ComfyUI's formulas, one output sample at a time, with no
/// separable passes, tables or vectors. They are the baselines of the imaging benchmarks and the oracles
/// of the tests that check the fast paths. They live in this test-support project, outside the shipped engine;
/// <see cref="NaiveResize"/>, <see cref="NaiveLanczos"/> and <see cref="NaivePng"/> are their siblings.
/// </summary>
public static class NaiveImaging
{
    /// <summary>ImageBlur as ComfyUI computes it: the full 2-D kernel over a reflect-padded frame.</summary>
    public static ImageTensor Blur(ImageTensor image, int radius, float sigma) => Convolve(image, Kernel2D(radius, sigma), radius, clamp: false);

    /// <summary>ImageSharpen as ComfyUI computes it: −10α·K with the centre raised so the kernel sums to 1, then clamp.</summary>
    public static ImageTensor Sharpen(ImageTensor image, int radius, float sigma, float alpha)
    {
        var kernel = Kernel2D(radius, sigma);
        var size = (2 * radius) + 1;
        var sum = 0f;
        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] *= -(alpha * 10f);
            sum += kernel[i];
        }

        var centre = (radius * size) + radius;
        kernel[centre] = kernel[centre] - sum + 1f;
        return Convolve(image, kernel, radius, clamp: true);
    }

    /// <summary>ImageBlend, one sample at a time.</summary>
    public static ImageTensor Blend(ImageTensor image1, ImageTensor image2, float factor, BlendMode mode)
    {
        var output = image1.CreateLike();
        var a = image1.Span;
        var b = image2.Span;
        var d = output.WritableSpan;
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = BlendKernels.Scalar(a[i], b[i], mode, factor);
            if (image1.Channels == 4 && i % 4 == 3)
            {
                d[i] = a[i];
            }
        }

        return output;
    }

    /// <summary>clip(255·x, 0, 255) truncated, one sample at a time.</summary>
    public static void FloatsToBytes(ReadOnlySpan<float> source, Span<byte> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            var v = source[i] * 255f;
            destination[i] = float.IsNaN(v) ? (byte)0 : (byte)Math.Clamp(v, 0f, 255f);
        }
    }

    private static float[] Kernel2D(int radius, float sigma)
    {
        var size = (2 * radius) + 1;
        var kernel = new double[size * size];
        var sum = 0.0;
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                var x = size == 1 ? 0.0 : -1.0 + (2.0 * i / (size - 1));
                var y = size == 1 ? 0.0 : -1.0 + (2.0 * j / (size - 1));
                var d = Math.Sqrt((x * x) + (y * y));
                kernel[(i * size) + j] = Math.Exp(-(d * d) / (2.0 * sigma * sigma));
                sum += kernel[(i * size) + j];
            }
        }

        return kernel.Select(k => (float)(k / sum)).ToArray();
    }

    private static ImageTensor Convolve(ImageTensor image, float[] kernel, int radius, bool clamp)
    {
        var output = image.CreateLike();
        int h = image.Height, w = image.Width, c = image.Channels, size = (2 * radius) + 1;
        for (var b = 0; b < image.Batch; b++)
        {
            var src = image.Frame(b);
            var dst = output.WritableFrame(b);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    for (var ch = 0; ch < c; ch++)
                    {
                        var acc = 0f;
                        for (var i = 0; i < size; i++)
                        {
                            for (var j = 0; j < size; j++)
                            {
                                var sy = Reflect(y + i - radius, h);
                                var sx = Reflect(x + j - radius, w);
                                acc += kernel[(i * size) + j] * src[(((sy * w) + sx) * c) + ch];
                            }
                        }

                        dst[(((y * w) + x) * c) + ch] = clamp ? Math.Clamp(acc, 0f, 1f) : acc;
                    }
                }
            }
        }

        return output;
    }

    private static int Reflect(int i, int n) => i < 0 ? -i : i >= n ? (2 * (n - 1)) - i : i;
}
