using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Imaging.Reference;

internal static partial class NaiveImaging
{
    /// <summary>F.interpolate one output sample at a time (nearest-exact, bilinear, bicubic, area).</summary>
    public static ImageTensor Resize(ImageTensor image, int width, int height, ResizeMethod method, CropMode crop = CropMode.Disabled)
    {
        var window = Window(image.Width, image.Height, width, height, crop);
        var output = new ImageTensor(image.Batch, height, width, image.Channels);
        var c = image.Channels;
        for (var b = 0; b < image.Batch; b++)
        {
            var src = image.Frame(b).ToArray();
            var dst = output.WritableFrame(b);
            float Sample(int y, int x, int ch) => src[((((window.Y + y) * image.Width) + window.X + x) * c) + ch];
            for (var oy = 0; oy < height; oy++)
            {
                for (var ox = 0; ox < width; ox++)
                {
                    for (var ch = 0; ch < c; ch++)
                    {
                        dst[(((oy * width) + ox) * c) + ch] = method switch
                        {
                            ResizeMethod.NearestExact => Sample(NearestIndex(oy, window.Height, height), NearestIndex(ox, window.Width, width), ch),
                            ResizeMethod.Bilinear => BilinearSample(oy, ox, window.Width, window.Height, width, height, (y, x) => Sample(y, x, ch)),
                            ResizeMethod.Bicubic => BicubicSample(oy, ox, window.Width, window.Height, width, height, (y, x) => Sample(y, x, ch)),
                            ResizeMethod.Area => AreaSample(oy, ox, window.Width, window.Height, width, height, (y, x) => Sample(y, x, ch)),
                            _ => throw new ArgumentOutOfRangeException(nameof(method)),
                        };
                    }
                }
            }
        }

        return output;
    }

    private static int NearestIndex(int o, int input, int output)
    {
        var scale = (float)input / output;
        return Math.Min((int)MathF.Floor((float)((o + 0.5) * scale)), input - 1);
    }

    private static float BilinearSample(int oy, int ox, int inW, int inH, int outW, int outH, Func<int, int, float> sample)
    {
        static (int I0, int I1, float L) Axis(int o, int input, int output)
        {
            var real = Math.Max(0f, ((float)input / output * (o + 0.5f)) - 0.5f);
            var i0 = (int)real;
            return (i0, Math.Min(i0 + 1, input - 1), real - i0);
        }

        var (y0, y1, ly) = Axis(oy, inH, outH);
        var (x0, x1, lx) = Axis(ox, inW, outW);
        var top = ((1f - lx) * sample(y0, x0)) + (lx * sample(y0, x1));
        var bottom = ((1f - lx) * sample(y1, x0)) + (lx * sample(y1, x1));
        return ((1f - ly) * top) + (ly * bottom);
    }

    private static float BicubicSample(int oy, int ox, int inW, int inH, int outW, int outH, Func<int, int, float> sample)
    {
        static (int I, float[] W) Axis(int o, int input, int output)
        {
            const float A = -0.75f;
            var real = ((float)input / output * (o + 0.5f)) - 0.5f;
            var i = (int)MathF.Floor(real);
            var t = real - i;
            float Near(float x) => ((((A + 2f) * x) - (A + 3f)) * x * x) + 1f;
            float Far(float x) => ((((A * x) - (5f * A)) * x) + (8f * A)) * x - (4f * A);
            return (i, [Far(t + 1f), Near(t), Near(1f - t), Far(2f - t)]);
        }

        var (iy, wy) = Axis(oy, inH, outH);
        var (ix, wx) = Axis(ox, inW, outW);
        var acc = 0f;
        for (var j = 0; j < 4; j++)
        {
            var row = 0f;
            for (var i = 0; i < 4; i++)
            {
                row += wx[i] * sample(Math.Clamp(iy - 1 + j, 0, inH - 1), Math.Clamp(ix - 1 + i, 0, inW - 1));
            }

            acc += wy[j] * row;
        }

        return acc;
    }

    private static float AreaSample(int oy, int ox, int inW, int inH, int outW, int outH, Func<int, int, float> sample)
    {
        var y0 = (int)Math.Floor((double)oy * inH / outH);
        var y1 = (int)Math.Ceiling((double)(oy + 1) * inH / outH);
        var x0 = (int)Math.Floor((double)ox * inW / outW);
        var x1 = (int)Math.Ceiling((double)(ox + 1) * inW / outW);
        var sum = 0f;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                sum += sample(y, x);
            }
        }

        return sum / ((y1 - y0) * (x1 - x0));
    }
}
