using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gantry.Engine.Imaging.Resize;

/// <summary>
/// Applies two <see cref="ResampleAxis"/> tables to one frame of interleaved samples.
/// The vertical pass combines whole rows with vector arithmetic; the horizontal pass walks
/// precomputed taps. The pass that runs on fewer rows goes first, so the scalar-ish
/// horizontal work is done on min(input rows, output rows).
/// </summary>
internal static unsafe class SeparableResampler
{
    /// <param name="source">Sample (0, 0, 0) of the source window.</param>
    /// <param name="sourceRowStride">Floats between consecutive source rows (the full frame's row length).</param>
    /// <param name="channels">Interleaved channels per pixel.</param>
    /// <param name="x">Horizontal taps; its input size is the window width.</param>
    /// <param name="y">Vertical taps; its input size is the window height.</param>
    /// <param name="destination">A dense output frame of y.OutputSize × x.OutputSize × channels.</param>
    public static void Resample(float* source, int sourceRowStride, int channels, ResampleAxis x, ResampleAxis y, float* destination)
    {
        var inRow = x.InputSize * channels;
        var outRow = x.OutputSize * channels;
        if (x.IsIdentity && y.IsIdentity)
        {
            CopyRows(source, sourceRowStride, destination, outRow, y.OutputSize);
        }
        else if (y.IsIdentity)
        {
            HorizontalRows(source, sourceRowStride, x, channels, destination, outRow, 0, y.OutputSize);
        }
        else if (x.IsIdentity)
        {
            VerticalRows(source, sourceRowStride, inRow, y, destination, outRow);
        }
        else if (y.OutputSize >= y.InputSize)
        {
            WithTemp(y.InputSize * outRow, temp =>
            {
                HorizontalRows(source, sourceRowStride, x, channels, temp, outRow, 0, y.InputSize);
                VerticalRows(temp, outRow, outRow, y, destination, outRow);
            });
        }
        else
        {
            WithTemp(y.OutputSize * inRow, temp =>
            {
                VerticalRows(source, sourceRowStride, inRow, y, temp, inRow);
                HorizontalRows(temp, inRow, x, channels, destination, outRow, 0, y.OutputSize);
            });
        }
    }

    private delegate void TempBody(float* temp);

    private static void WithTemp(int length, TempBody body)
    {
        var array = ArrayPool<float>.Shared.Rent(length);
        try
        {
            fixed (float* temp = array)
            {
                body(temp);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(array);
        }
    }

    private static void CopyRows(float* source, int sourceRowStride, float* destination, int rowLength, int rows)
    {
        for (var r = 0; r < rows; r++)
        {
            new ReadOnlySpan<float>(source + ((long)r * sourceRowStride), rowLength)
                .CopyTo(new Span<float>(destination + ((long)r * rowLength), rowLength));
        }
    }

    private static void VerticalRows(float* source, int sourceRowStride, int rowLength, ResampleAxis y, float* destination, int destinationRowStride)
    {
        var src = (nint)source;
        var dst = (nint)destination;
        ParallelRows.For(y.OutputSize, (long)rowLength * y.Taps, (start, end) =>
        {
            var taps = y.Taps;
            var rows = stackalloc float*[taps];
            fixed (float* weights = y.Weight)
            fixed (int* index = y.Index)
            {
                for (var o = start; o < end; o++)
                {
                    for (var t = 0; t < taps; t++)
                    {
                        rows[t] = (float*)src + ((long)index[(o * taps) + t] * sourceRowStride);
                    }

                    RowKernels.WeightedSum(rows, weights + (o * taps), taps, (float*)dst + ((long)o * destinationRowStride), rowLength);
                }
            }
        });
    }

    private static void HorizontalRows(float* source, int sourceRowStride, ResampleAxis x, int channels, float* destination, int destinationRowStride, int firstRow, int rowCount)
    {
        var src = (nint)source;
        var dst = (nint)destination;
        if (Avx2.IsSupported)
        {
            var (gatherIndex, gatherWeight) = x.Interleaved(channels);
            ParallelRows.For(rowCount, (long)x.OutputSize * channels * x.Taps, (start, end) =>
            {
                fixed (float* weights = gatherWeight)
                fixed (int* index = gatherIndex)
                {
                    for (var r = firstRow + start; r < firstRow + end; r++)
                    {
                        var inRow = (float*)src + ((long)r * sourceRowStride);
                        var outRow = (float*)dst + ((long)r * destinationRowStride);
                        HorizontalRowGather(inRow, x.OutputSize * channels, x.Taps, index, weights, outRow);
                    }
                }
            });
            return;
        }

        ParallelRows.For(rowCount, (long)x.OutputSize * channels * x.Taps, (start, end) =>
        {
            fixed (float* weights = x.Weight)
            fixed (int* index = x.Index)
            {
                for (var r = firstRow + start; r < firstRow + end; r++)
                {
                    var inRow = (float*)src + ((long)r * sourceRowStride);
                    var outRow = (float*)dst + ((long)r * destinationRowStride);
                    HorizontalRow(inRow, x.OutputSize, x.Taps, index, weights, channels, outRow);
                }
            }
        });
    }

    /// <summary>Eight output samples at a time: Σₜ weight · gather(source, index) over the interleaved tables.</summary>
    private static void HorizontalRowGather(float* src, int samples, int taps, int* index, float* weights, float* dst)
    {
        var j = 0;
        for (; j <= samples - 8; j += 8)
        {
            var acc = Vector256<float>.Zero;
            for (var t = 0; t < taps; t++)
            {
                var at = (t * samples) + j;
                var gathered = Avx2.GatherVector256(src, Vector256.Load(index + at), 4);
                acc += Vector256.Load(weights + at) * gathered;
            }

            acc.Store(dst + j);
        }

        for (; j < samples; j++)
        {
            var acc = 0f;
            for (var t = 0; t < taps; t++)
            {
                var at = (t * samples) + j;
                acc += weights[at] * src[index[at]];
            }

            dst[j] = acc;
        }
    }

    private static void HorizontalRow(float* src, int outputSize, int taps, int* index, float* weights, int channels, float* dst)
    {
        switch (channels)
        {
            case 1:
                for (var o = 0; o < outputSize; o++)
                {
                    var b = o * taps;
                    var a0 = 0f;
                    for (var t = 0; t < taps; t++)
                    {
                        a0 += weights[b + t] * src[index[b + t]];
                    }

                    dst[o] = a0;
                }

                break;
            case 3:
                for (var o = 0; o < outputSize; o++)
                {
                    var b = o * taps;
                    float a0 = 0f, a1 = 0f, a2 = 0f;
                    for (var t = 0; t < taps; t++)
                    {
                        var w = weights[b + t];
                        var p = src + (index[b + t] * 3);
                        a0 += w * p[0];
                        a1 += w * p[1];
                        a2 += w * p[2];
                    }

                    var d = dst + (o * 3);
                    d[0] = a0;
                    d[1] = a1;
                    d[2] = a2;
                }

                break;
            case 4:
                for (var o = 0; o < outputSize; o++)
                {
                    var b = o * taps;
                    float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
                    for (var t = 0; t < taps; t++)
                    {
                        var w = weights[b + t];
                        var p = src + (index[b + t] * 4);
                        a0 += w * p[0];
                        a1 += w * p[1];
                        a2 += w * p[2];
                        a3 += w * p[3];
                    }

                    var d = dst + (o * 4);
                    d[0] = a0;
                    d[1] = a1;
                    d[2] = a2;
                    d[3] = a3;
                }

                break;
            default:
                for (var o = 0; o < outputSize; o++)
                {
                    var b = o * taps;
                    for (var c = 0; c < channels; c++)
                    {
                        var acc = 0f;
                        for (var t = 0; t < taps; t++)
                        {
                            acc += weights[b + t] * src[(index[b + t] * channels) + c];
                        }

                        dst[(o * channels) + c] = acc;
                    }
                }

                break;
        }
    }
}
