using System.Runtime.Intrinsics;

namespace Gantry.Engine.Imaging;

/// <summary>Vectorised whole-row primitives shared by the resamplers and filters.</summary>
internal static unsafe class RowKernels
{
    /// <summary>dst[i] = Σₜ weights[t] · rows[t][i] for i in [0, length).</summary>
    public static void WeightedSum(float** rows, float* weights, int taps, float* dst, int length)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - 16; i += 16)
            {
                var acc0 = Vector256<float>.Zero;
                var acc1 = Vector256<float>.Zero;
                for (var t = 0; t < taps; t++)
                {
                    var w = Vector256.Create(weights[t]);
                    var row = rows[t] + i;
                    acc0 += w * Vector256.Load(row);
                    acc1 += w * Vector256.Load(row + 8);
                }

                acc0.Store(dst + i);
                acc1.Store(dst + i + 8);
            }
        }

        for (; i < length; i++)
        {
            var acc = 0f;
            for (var t = 0; t < taps; t++)
            {
                acc += weights[t] * rows[t][i];
            }

            dst[i] = acc;
        }
    }

    /// <summary>
    /// Symmetric convolution along a row of interleaved pixels:
    /// dst[i] = k[r] · src[i + r·step] + Σ_{j&lt;r} k[j] · (src[i + j·step] + src[i + (2r − j)·step]).
    /// <paramref name="src"/> holds length + 2r·step samples (the caller pads the edges).
    /// </summary>
    public static void SymmetricConvolve(float* src, int step, float* kernel, int radius, float* dst, int length)
    {
        var i = 0;
        var far = 2 * radius * step;
        if (Vector256.IsHardwareAccelerated)
        {
            var centre = Vector256.Create(kernel[radius]);
            for (; i <= length - 16; i += 16)
            {
                var p = src + i;
                var acc0 = centre * Vector256.Load(p + (radius * step));
                var acc1 = centre * Vector256.Load(p + (radius * step) + 8);
                for (var j = 0; j < radius; j++)
                {
                    var w = Vector256.Create(kernel[j]);
                    var near = p + (j * step);
                    var mirror = p + far - (j * step);
                    acc0 += w * (Vector256.Load(near) + Vector256.Load(mirror));
                    acc1 += w * (Vector256.Load(near + 8) + Vector256.Load(mirror + 8));
                }

                acc0.Store(dst + i);
                acc1.Store(dst + i + 8);
            }
        }

        for (; i < length; i++)
        {
            var p = src + i;
            var acc = kernel[radius] * p[radius * step];
            for (var j = 0; j < radius; j++)
            {
                acc += kernel[j] * (p[j * step] + p[far - (j * step)]);
            }

            dst[i] = acc;
        }
    }

    /// <summary>dst[i] = clamp(a · x[i] + b · y[i], lo, hi) (no clamp when <paramref name="clamp"/> is false).</summary>
    public static void LinearCombine(float* x, float a, float* y, float b, float* dst, int length, bool clamp)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            var zero = Vector256<float>.Zero;
            var one = Vector256<float>.One;
            for (; i <= length - 8; i += 8)
            {
                var v = (va * Vector256.Load(x + i)) + (vb * Vector256.Load(y + i));
                if (clamp)
                {
                    v = Vector256.Min(Vector256.Max(v, zero), one);
                }

                v.Store(dst + i);
            }
        }

        for (; i < length; i++)
        {
            var v = (a * x[i]) + (b * y[i]);
            dst[i] = clamp ? Math.Clamp(v, 0f, 1f) : v;
        }
    }
}
