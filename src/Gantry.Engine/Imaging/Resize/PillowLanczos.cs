using System.Buffers;

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

    private static void Horizontal(byte[] input, int inputWidth, int firstRow, int rows, int channels, Coefficients k, byte[] output, int outputWidth)
    {
        ParallelRows.For(rows, (long)outputWidth * channels * k.Size, (start, end) =>
        {
            for (var r = start; r < end; r++)
            {
                var inRow = input.AsSpan((firstRow + r) * inputWidth * channels, inputWidth * channels);
                var outRow = output.AsSpan(r * outputWidth * channels, outputWidth * channels);
                for (var o = 0; o < outputWidth; o++)
                {
                    var min = k.Bounds[2 * o];
                    var count = k.Bounds[(2 * o) + 1];
                    var weights = k.Weights.AsSpan(o * k.Size, count);
                    for (var c = 0; c < channels; c++)
                    {
                        var acc = 1 << (PrecisionBits - 1);
                        for (var t = 0; t < count; t++)
                        {
                            acc += inRow[((min + t) * channels) + c] * weights[t];
                        }

                        outRow[(o * channels) + c] = Clip8(acc);
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
            for (var o = start; o < end; o++)
            {
                var min = k.Bounds[2 * o] - rowOffset;
                var count = k.Bounds[(2 * o) + 1];
                var weights = k.Weights.AsSpan(o * k.Size, count);
                var outRow = output.AsSpan(o * rowLength, rowLength);
                for (var i = 0; i < rowLength; i++)
                {
                    var acc = 1 << (PrecisionBits - 1);
                    for (var t = 0; t < count; t++)
                    {
                        acc += input[((min + t) * rowLength) + i] * weights[t];
                    }

                    outRow[i] = Clip8(acc);
                }
            }
        });
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
