using System.Buffers;
using System.Runtime.Intrinsics;

namespace Gantry.Engine.Imaging.Filters;

/// <summary>
/// A symmetric separable convolution with reflect padding (torch 'reflect': the edge sample is not
/// repeated), fused per output row: the vertical pass fills a row buffer padded by the radius on both
/// sides, the pads are mirrored, then the horizontal pass runs over contiguous interleaved samples.
/// The result is <c>identityGain · x + blurGain · blur(x)</c>, optionally clamped to 0..1.
/// </summary>
internal static unsafe class SeparableGaussian
{
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, int width, int height, int channels, float[] kernel, float identityGain, float blurGain, bool clamp)
    {
        var radius = kernel.Length / 2;
        var rowLength = width * channels;
        var paddedLength = (width + (2 * radius)) * channels;
        var plainBlur = identityGain == 0f && blurGain == 1f && !clamp;
        fixed (float* srcPtr = source)
        fixed (float* dstPtr = destination)
        {
            var src = (nint)srcPtr;
            var dst = (nint)dstPtr;
            ParallelRows.For(height, (long)rowLength * kernel.Length * 2, (start, end) =>
            {
                var padded = ArrayPool<float>.Shared.Rent(paddedLength + rowLength);
                var rows = stackalloc float*[kernel.Length];
                try
                {
                    fixed (float* buffer = padded)
                    fixed (float* taps = kernel)
                    {
                        var blurred = buffer + paddedLength;
                        for (var y = start; y < end; y++)
                        {
                            for (var k = 0; k < kernel.Length; k++)
                            {
                                rows[k] = (float*)src + ((long)Reflect(y + k - radius, height) * rowLength);
                            }

                            var centre = buffer + (radius * channels);
                            VerticalSymmetric(rows, taps, radius, centre, rowLength);
                            MirrorPads(buffer, width, channels, radius);
                            var output = (float*)dst + ((long)y * rowLength);
                            if (plainBlur)
                            {
                                RowKernels.SymmetricConvolve(buffer, channels, taps, radius, output, rowLength);
                            }
                            else
                            {
                                RowKernels.SymmetricConvolve(buffer, channels, taps, radius, blurred, rowLength);
                                RowKernels.LinearCombine(rows[radius], identityGain, blurred, blurGain, output, rowLength, clamp);
                            }
                        }
                    }
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(padded);
                }
            });
        }
    }

    /// <summary>torch reflect padding index for a pad smaller than the size.</summary>
    internal static int Reflect(int index, int size)
    {
        if (size == 1)
        {
            return 0;
        }

        if (index < 0)
        {
            return -index;
        }

        return index >= size ? (2 * (size - 1)) - index : index;
    }

    private static void VerticalSymmetric(float** rows, float* kernel, int radius, float* dst, int length)
    {
        // Pair rows k and 2r−k so the symmetric kernel costs one multiply per pair.
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var centreWeight = Vector256.Create(kernel[radius]);
            for (; i <= length - 8; i += 8)
            {
                var acc = centreWeight * Vector256.Load(rows[radius] + i);
                for (var k = 0; k < radius; k++)
                {
                    var w = Vector256.Create(kernel[k]);
                    acc += w * (Vector256.Load(rows[k] + i) + Vector256.Load(rows[(2 * radius) - k] + i));
                }

                acc.Store(dst + i);
            }
        }

        for (; i < length; i++)
        {
            var acc = kernel[radius] * rows[radius][i];
            for (var k = 0; k < radius; k++)
            {
                acc += kernel[k] * (rows[k][i] + rows[(2 * radius) - k][i]);
            }

            dst[i] = acc;
        }
    }

    private static void MirrorPads(float* buffer, int width, int channels, int radius)
    {
        var centre = buffer + (radius * channels);
        for (var j = 1; j <= radius; j++)
        {
            var left = Reflect(-j, width);
            var right = Reflect(width - 1 + j, width);
            for (var c = 0; c < channels; c++)
            {
                centre[(-j * channels) + c] = centre[(left * channels) + c];
                centre[((width - 1 + j) * channels) + c] = centre[(right * channels) + c];
            }
        }
    }
}
