using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.TestSupport.Imaging;

/// <summary>Plain resizes as ComfyUI's <c>F.interpolate</c> computes them, the oracle of the separable resampler.</summary>
public static class NaiveResize
{
    /// <summary>F.interpolate one output sample at a time (nearest-exact, bilinear, bicubic, area).</summary>
    public static ImageTensor Resize(ImageTensor image, int width, int height, ResizeMethod method, CropMode crop = CropMode.Disabled)
    {
        var window = Window(image.Width, image.Height, width, height, crop);
        var output = new ImageTensor(image.Batch, height, width, image.Channels);
        var source = new Frame(image.Width, image.Channels, window);
        for (var b = 0; b < image.Batch; b++)
        {
            var src = image.Frame(b);
            var dst = output.WritableFrame(b);
            for (var oy = 0; oy < height; oy++)
            {
                for (var ox = 0; ox < width; ox++)
                {
                    for (var ch = 0; ch < image.Channels; ch++)
                    {
                        dst[(((oy * width) + ox) * image.Channels) + ch] = method switch
                        {
                            ResizeMethod.NearestExact => source.At(src, NearestIndex(oy, window.Height, height), NearestIndex(ox, window.Width, width), ch),
                            ResizeMethod.Bilinear => BilinearSample(src, source, oy, ox, width, height, ch),
                            ResizeMethod.Bicubic => BicubicSample(src, source, oy, ox, width, height, ch),
                            ResizeMethod.Area => AreaSample(src, source, oy, ox, width, height, ch),
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

    private static float BilinearSample(ReadOnlySpan<float> src, Frame f, int oy, int ox, int outW, int outH, int ch)
    {
        var (y0, y1, ly) = LinearAxis(oy, f.Window.Height, outH);
        var (x0, x1, lx) = LinearAxis(ox, f.Window.Width, outW);
        var top = ((1f - lx) * f.At(src, y0, x0, ch)) + (lx * f.At(src, y0, x1, ch));
        var bottom = ((1f - lx) * f.At(src, y1, x0, ch)) + (lx * f.At(src, y1, x1, ch));
        return ((1f - ly) * top) + (ly * bottom);
    }

    private static (int I0, int I1, float Lambda) LinearAxis(int o, int input, int output)
    {
        var real = Math.Max(0f, ((float)input / output * (o + 0.5f)) - 0.5f);
        var i0 = (int)real;
        return (i0, Math.Min(i0 + 1, input - 1), real - i0);
    }

    private static float BicubicSample(ReadOnlySpan<float> src, Frame f, int oy, int ox, int outW, int outH, int ch)
    {
        var (iy, ty) = CubicAxis(oy, f.Window.Height, outH);
        var (ix, tx) = CubicAxis(ox, f.Window.Width, outW);
        var acc = 0f;
        for (var j = 0; j < 4; j++)
        {
            var row = 0f;
            for (var i = 0; i < 4; i++)
            {
                var y = Math.Clamp(iy - 1 + j, 0, f.Window.Height - 1);
                var x = Math.Clamp(ix - 1 + i, 0, f.Window.Width - 1);
                row += CubicWeight(tx, i) * f.At(src, y, x, ch);
            }

            acc += CubicWeight(ty, j) * row;
        }

        return acc;
    }

    private static (int I, float T) CubicAxis(int o, int input, int output)
    {
        var real = ((float)input / output * (o + 0.5f)) - 0.5f;
        var i = (int)MathF.Floor(real);
        return (i, real - i);
    }

    /// <summary>torch's cubic convolution weights (A = −0.75) for taps −1, 0, 1, 2 at fraction t.</summary>
    private static float CubicWeight(float t, int tap)
    {
        const float A = -0.75f;
        var x = tap switch
        {
            0 => t + 1f,
            1 => t,
            2 => 1f - t,
            _ => 2f - t,
        };
        return tap is 1 or 2
            ? ((((A + 2f) * x) - (A + 3f)) * x * x) + 1f
            : ((((A * x) - (5f * A)) * x) + (8f * A)) * x - (4f * A);
    }

    private static float AreaSample(ReadOnlySpan<float> src, Frame f, int oy, int ox, int outW, int outH, int ch)
    {
        int inW = f.Window.Width, inH = f.Window.Height;
        var y0 = (int)Math.Floor((double)oy * inH / outH);
        var y1 = (int)Math.Ceiling((double)(oy + 1) * inH / outH);
        var x0 = (int)Math.Floor((double)ox * inW / outW);
        var x1 = (int)Math.Ceiling((double)(ox + 1) * inW / outW);
        var sum = 0f;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                sum += f.At(src, y, x, ch);
            }
        }

        return sum / ((y1 - y0) * (x1 - x0));
    }

    private static PixelRect Window(int w, int h, int width, int height, CropMode crop) =>
        crop == CropMode.Center ? ResizeSizing.CenterCrop(w, h, width, height) : new PixelRect(0, 0, w, h);

    /// <summary>Addresses a sample of the source window inside its frame.</summary>
    private readonly record struct Frame(int FrameWidth, int Channels, PixelRect Window)
    {
        public float At(ReadOnlySpan<float> frame, int y, int x, int channel) =>
            frame[((((Window.Y + y) * FrameWidth) + Window.X + x) * Channels) + channel];
    }
}
