// Over 300 lines on purpose: one re-implementation of Pillow's resample arithmetic (coefficients, both passes, the
// transpose between them, premultiplication), kept in one place so it reads step by step against what it must match
// byte for byte. The class stays under 400 lines.
using System.Buffers;
using System.Runtime.Intrinsics;

namespace Gantry.Engine.Imaging.Resize;

/// <summary>
/// ComfyUI's <c>lanczos</c> goes through Pillow: samples become bytes (clip(255·x) truncated),
/// Pillow's two-pass LANCZOS (support 3, widened by the scale when shrinking) runs in 22-bit
/// fixed point with an 8-bit intermediate, and the result comes back as byte / 255.
/// This is a re-implementation of that arithmetic, so results match Pillow's byte for byte.
/// 4-channel (RGBA) and 2-channel (LA) frames are premultiplied by alpha around the resize,
/// as Pillow does; other channel counts are resized channel by channel.
/// </summary>
internal static unsafe class PillowLanczos
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double Support = 3.0;
    private const int Half = 1 << (PrecisionBits - 1);

    public static void Resample(float* source, int sourceRowStride, int channels, int inputWidth, int inputHeight, int outputWidth, int outputHeight, float* destination)
    {
        var inRow = inputWidth * channels;
        var bytes = ArrayPool<byte>.Shared.Rent(inputHeight * inRow);
        try
        {
            for (var r = 0; r < inputHeight; r++)
            {
                PixelPacking.FloatsToBytes(
                    new ReadOnlySpan<float>(source + ((long)r * sourceRowStride), inRow),
                    bytes.AsSpan(r * inRow, inRow));
            }

            var alphaChannel = AlphaChannel(channels);
            if (alphaChannel > 0)
            {
                Premultiply(bytes.AsSpan(0, inputHeight * inRow), channels, alphaChannel);
            }

            var result = ResampleBytes(bytes, inputWidth, inputHeight, channels, outputWidth, outputHeight);
            try
            {
                var outLength = outputWidth * outputHeight * channels;
                if (alphaChannel > 0)
                {
                    Unpremultiply(result.AsSpan(0, outLength), channels, alphaChannel);
                }

                PixelPacking.BytesToFloats(result.AsSpan(0, outLength), new Span<float>(destination, outLength));
            }
            finally
            {
                if (!ReferenceEquals(result, bytes))
                {
                    ArrayPool<byte>.Shared.Return(result);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Pillow's lanczos kernel: sinc(x)·sinc(x/3) on [−3, 3).</summary>
    internal static double Kernel(double x)
    {
        return x is >= -3.0 and < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0;

        static double Sinc(double v)
        {
            if (v == 0.0)
            {
                return 1.0;
            }

            v *= Math.PI;
            return Math.Sin(v) / v;
        }
    }

    private static int AlphaChannel(int channels) => channels switch
    {
        4 => 3,
        2 => 1,
        _ => -1,
    };

    private static byte[] ResampleBytes(byte[] input, int inputWidth, int inputHeight, int channels, int outputWidth, int outputHeight)
    {
        var needHorizontal = outputWidth != inputWidth;
        var needVertical = outputHeight != inputHeight;
        var vertical = Coefficients.Create(inputHeight, outputHeight);
        var current = input;
        var rowOffset = 0;
        if (needHorizontal)
        {
            var horizontal = Coefficients.Create(inputWidth, outputWidth);
            var first = needVertical ? vertical.Bounds[0] : 0;
            var last = needVertical ? vertical.Bounds[(outputHeight - 1) * 2] + vertical.Bounds[((outputHeight - 1) * 2) + 1] : inputHeight;
            var rows = last - first;
            var temp = ArrayPool<byte>.Shared.Rent(rows * outputWidth * channels);
            Horizontal(input, inputWidth, first, rows, channels, horizontal, temp, outputWidth);
            current = temp;
            rowOffset = first;
        }

        if (!needVertical)
        {
            return current;
        }

        var width = needHorizontal ? outputWidth : inputWidth;
        var output = ArrayPool<byte>.Shared.Rent(outputHeight * width * channels);
        Vertical(current, width, rowOffset, channels, vertical, output, outputHeight);
        if (!ReferenceEquals(current, input))
        {
            ArrayPool<byte>.Shared.Return(current);
        }

        return output;
    }

    /// <summary>
    /// The horizontal pass as a vertical one: the rows in use are transposed (pixels stay whole), resampled
    /// with the vectorised row kernel, and transposed back. Same arithmetic as Pillow's horizontal loop.
    /// </summary>
    private static void Horizontal(byte[] input, int inputWidth, int firstRow, int rows, int channels, Coefficients k, byte[] output, int outputWidth)
    {
        var pool = ArrayPool<byte>.Shared;
        var columns = pool.Rent(inputWidth * rows * channels);
        var resampled = pool.Rent(outputWidth * rows * channels);
        try
        {
            fixed (byte* src = input)
            fixed (byte* cols = columns)
            fixed (byte* res = resampled)
            fixed (byte* dst = output)
            {
                Transpose(src + ((long)firstRow * inputWidth * channels), rows, inputWidth, channels, cols);
                var columnLength = rows * channels;
                var (colsAddress, resAddress) = ((nint)cols, (nint)res);
                ParallelRows.For(outputWidth, (long)columnLength * k.Size, (start, end) =>
                {
                    fixed (int* weightBase = k.Weights)
                    {
                        for (var o = start; o < end; o++)
                        {
                            var first = (byte*)colsAddress + ((long)k.Bounds[2 * o] * columnLength);
                            VerticalRow(first, columnLength, k.Bounds[(2 * o) + 1], weightBase + (o * k.Size), (byte*)resAddress + ((long)o * columnLength));
                        }
                    }
                });
                Transpose(res, outputWidth, rows, channels, dst);
            }
        }
        finally
        {
            pool.Return(columns);
            pool.Return(resampled);
        }
    }

    /// <summary>Swaps rows and columns of a rows × columns grid of pixels, in cache-sized tiles.</summary>
    private static void Transpose(byte* source, int rows, int columns, int channels, byte* destination)
    {
        const int Tile = 32;
        var (src, dst) = ((nint)source, (nint)destination);
        ParallelRows.For((rows + Tile - 1) / Tile, (long)Tile * columns * channels, (start, end) =>
        {
            for (var r0 = start * Tile; r0 < Math.Min(rows, end * Tile); r0 += Tile)
            {
                var r1 = Math.Min(rows, r0 + Tile);
                for (var c0 = 0; c0 < columns; c0 += Tile)
                {
                    var c1 = Math.Min(columns, c0 + Tile);
                    for (var r = r0; r < r1; r++)
                    {
                        var from = (byte*)src + (((long)r * columns) + c0) * channels;
                        var to = (byte*)dst + (((long)c0 * rows) + r) * channels;
                        for (var c = c0; c < c1; c++, from += channels, to += (long)rows * channels)
                        {
                            for (var ch = 0; ch < channels; ch++)
                            {
                                to[ch] = from[ch];
                            }
                        }
                    }
                }
            }
        });
    }

    private static void Vertical(byte[] input, int width, int rowOffset, int channels, Coefficients k, byte[] output, int outputHeight)
    {
        var rowLength = width * channels;
        ParallelRows.For(outputHeight, (long)rowLength * k.Size, (start, end) =>
        {
            fixed (byte* inBase = input)
            fixed (byte* outBase = output)
            fixed (int* weightBase = k.Weights)
            {
                for (var o = start; o < end; o++)
                {
                    var first = inBase + ((long)(k.Bounds[2 * o] - rowOffset) * rowLength);
                    VerticalRow(first, rowLength, k.Bounds[(2 * o) + 1], weightBase + (o * k.Size), outBase + ((long)o * rowLength));
                }
            }
        });
    }

    /// <summary>One output row: Σₜ w[t] · rows[t][i] in 22-bit fixed point, 32 samples per step.</summary>
    private static void VerticalRow(byte* first, int rowLength, int count, int* w, byte* output)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var half = Vector256.Create(Half);
            var max = Vector256.Create(255);
            for (; i <= rowLength - 32; i += 32)
            {
                Vector256<int> a0 = half, a1 = half, a2 = half, a3 = half;
                var p = first + i;
                for (var t = 0; t < count; t++, p += rowLength)
                {
                    var weight = Vector256.Create(w[t]);
                    var (low, high) = Vector256.Widen(Vector256.Load(p));
                    var (w0, w1) = Vector256.Widen(low);
                    var (w2, w3) = Vector256.Widen(high);
                    a0 += w0.AsInt32() * weight;
                    a1 += w1.AsInt32() * weight;
                    a2 += w2.AsInt32() * weight;
                    a3 += w3.AsInt32() * weight;
                }

                var s0 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a0, PrecisionBits), Vector256<int>.Zero), max).AsUInt32();
                var s1 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a1, PrecisionBits), Vector256<int>.Zero), max).AsUInt32();
                var s2 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a2, PrecisionBits), Vector256<int>.Zero), max).AsUInt32();
                var s3 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a3, PrecisionBits), Vector256<int>.Zero), max).AsUInt32();
                Vector256.Narrow(Vector256.Narrow(s0, s1), Vector256.Narrow(s2, s3)).Store(output + i);
            }
        }

        for (; i < rowLength; i++)
        {
            var acc = Half;
            var p = first + i;
            for (var t = 0; t < count; t++, p += rowLength)
            {
                acc += *p * w[t];
            }

            output[i] = Clip8(acc);
        }
    }

    private static byte Clip8(int value)
    {
        if (value >= 1 << PrecisionBits << 8)
        {
            return 255;
        }

        return value <= 0 ? (byte)0 : (byte)(value >> PrecisionBits);
    }

    private static void Premultiply(Span<byte> pixels, int channels, int alpha)
    {
        for (var p = 0; p < pixels.Length; p += channels)
        {
            uint a = pixels[p + alpha];
            for (var c = 0; c < alpha; c++)
            {
                var tmp = (pixels[p + c] * a) + 128;
                pixels[p + c] = (byte)(((tmp >> 8) + tmp) >> 8);
            }
        }
    }

    private static void Unpremultiply(Span<byte> pixels, int channels, int alpha)
    {
        for (var p = 0; p < pixels.Length; p += channels)
        {
            int a = pixels[p + alpha];
            if (a is 0 or 255)
            {
                continue;
            }

            for (var c = 0; c < alpha; c++)
            {
                pixels[p + c] = (byte)Math.Min(255, 255 * pixels[p + c] / a);
            }
        }
    }

    /// <summary>Pillow's precompute_coeffs followed by normalize_coeffs_8bpc.</summary>
    private sealed class Coefficients
    {
        private Coefficients(int size, int outputSize)
        {
            Size = size;
            Bounds = new int[outputSize * 2];
            Weights = new int[outputSize * size];
        }

        public int Size { get; }

        /// <summary>[2·o] first source index, [2·o + 1] tap count.</summary>
        public int[] Bounds { get; }

        public int[] Weights { get; }

        public static Coefficients Create(int inputSize, int outputSize)
        {
            var scale = (double)inputSize / outputSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = Support * filterScale;
            var size = ((int)Math.Ceiling(support) * 2) + 1;
            var result = new Coefficients(size, outputSize);
            var k = new double[size];
            for (var o = 0; o < outputSize; o++)
            {
                var centre = (o + 0.5) * scale;
                var inverse = 1.0 / filterScale;
                var min = Math.Max(0, (int)(centre - support + 0.5));
                var max = Math.Min(inputSize, (int)(centre + support + 0.5)) - min;
                var sum = 0.0;
                for (var x = 0; x < max; x++)
                {
                    var w = Kernel((x + min - centre + 0.5) * inverse);
                    k[x] = w;
                    sum += w;
                }

                for (var x = 0; x < max; x++)
                {
                    var normalised = sum != 0.0 ? k[x] / sum : k[x];
                    result.Weights[(o * size) + x] = normalised < 0
                        ? (int)(-0.5 + (normalised * (1 << PrecisionBits)))
                        : (int)(0.5 + (normalised * (1 << PrecisionBits)));
                }

                result.Bounds[2 * o] = min;
                result.Bounds[(2 * o) + 1] = max;
            }

            return result;
        }
    }
}
