using Gantry.Engine.Tensors;

namespace Gantry.Engine.TestSupport.Imaging;

public static class NaiveLanczos
{
    /// <summary>
    /// Pillow's LANCZOS resize transliterated: bytes in, per-output coefficients in double turned into 22-bit
    /// fixed point, a horizontal pass to an 8-bit image, then a vertical pass, one sample at a time.
    /// Premultiplies RGBA / LA like Pillow. Oracle for the transposed, vectorised implementation.
    /// </summary>
    public static ImageTensor Resize(ImageTensor image, int width, int height)
    {
        var output = new ImageTensor(image.Batch, height, width, image.Channels);
        int c = image.Channels, w = image.Width, h = image.Height;
        var alpha = c == 4 ? 3 : c == 2 ? 1 : -1;
        for (var b = 0; b < image.Batch; b++)
        {
            var bytes = new byte[w * h * c];
            NaiveImaging.FloatsToBytes(image.Frame(b), bytes);
            if (alpha > 0)
            {
                for (var p = 0; p < bytes.Length; p += c)
                {
                    for (var k = 0; k < alpha; k++)
                    {
                        var tmp = (bytes[p + k] * bytes[p + alpha]) + 128;
                        bytes[p + k] = (byte)(((tmp >> 8) + tmp) >> 8);
                    }
                }
            }

            var (vMin, vCount, vWeights) = LanczosCoefficients(h, height);
            int first = 0, rows = h;
            if (width != w)
            {
                var (hMin, hCount, hWeights) = LanczosCoefficients(w, width);
                if (height != h)
                {
                    first = vMin[0];
                    rows = vMin[height - 1] + vCount[height - 1] - first;
                }

                var temp = new byte[rows * width * c];
                for (var r = 0; r < rows; r++)
                {
                    for (var x = 0; x < width; x++)
                    {
                        for (var k = 0; k < c; k++)
                        {
                            var acc = 1 << 21;
                            for (var t = 0; t < hCount[x]; t++)
                            {
                                acc += bytes[((((first + r) * w) + hMin[x] + t) * c) + k] * hWeights[x][t];
                            }

                            temp[(((r * width) + x) * c) + k] = ClipFixed(acc);
                        }
                    }
                }

                bytes = temp;
                w = width;
            }
            else
            {
                first = 0;
            }

            if (height != h)
            {
                var temp = new byte[height * w * c];
                for (var y = 0; y < height; y++)
                {
                    for (var i = 0; i < w * c; i++)
                    {
                        var acc = 1 << 21;
                        for (var t = 0; t < vCount[y]; t++)
                        {
                            acc += bytes[((vMin[y] - first + t) * w * c) + i] * vWeights[y][t];
                        }

                        temp[(y * w * c) + i] = ClipFixed(acc);
                    }
                }

                bytes = temp;
            }

            if (alpha > 0)
            {
                for (var p = 0; p < bytes.Length; p += c)
                {
                    int a = bytes[p + alpha];
                    for (var k = 0; k < alpha && a is not (0 or 255); k++)
                    {
                        bytes[p + k] = (byte)Math.Min(255, 255 * bytes[p + k] / a);
                    }
                }
            }

            var dst = output.WritableFrame(b);
            for (var i = 0; i < bytes.Length; i++)
            {
                dst[i] = bytes[i] / 255f;
            }

            w = image.Width;
        }

        return output;
    }

    private static (int[] Min, int[] Count, int[][] Weights) LanczosCoefficients(int input, int output)
    {
        var scale = (double)input / output;
        var filterScale = Math.Max(scale, 1.0);
        var support = 3.0 * filterScale;
        var min = new int[output];
        var count = new int[output];
        var weights = new int[output][];
        for (var o = 0; o < output; o++)
        {
            var centre = (o + 0.5) * scale;
            min[o] = Math.Max(0, (int)(centre - support + 0.5));
            count[o] = Math.Min(input, (int)(centre + support + 0.5)) - min[o];
            var k = new double[count[o]];
            for (var x = 0; x < count[o]; x++)
            {
                var v = (x + min[o] - centre + 0.5) / filterScale;
                k[x] = v is >= -3.0 and < 3.0 ? Sinc(v) * Sinc(v / 3.0) : 0.0;
            }

            var sum = k.Sum();
            weights[o] = k.Select(v => sum != 0.0 ? v / sum : v)
                .Select(v => v < 0 ? (int)(-0.5 + (v * (1 << 22))) : (int)(0.5 + (v * (1 << 22))))
                .ToArray();
        }

        return (min, count, weights);

        static double Sinc(double x) => x == 0.0 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
    }

    private static byte ClipFixed(int value) => value >= 1 << 30 ? (byte)255 : value <= 0 ? (byte)0 : (byte)(value >> 22);
}
