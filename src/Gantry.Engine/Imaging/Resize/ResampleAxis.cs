namespace Gantry.Engine.Imaging.Resize;

/// <summary>
/// The taps of one axis of a separable resize: for each output index, <see cref="Taps"/> source
/// indices (already clamped into the source) and their weights. Weights are computed in float32
/// with torch's formulas so results agree with <c>F.interpolate</c> to float rounding.
/// </summary>
internal sealed class ResampleAxis
{
    private ResampleAxis(int inputSize, int outputSize, int taps)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Taps = taps;
        Index = new int[outputSize * taps];
        Weight = new float[outputSize * taps];
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    public int Taps { get; }

    /// <summary>Source index of tap t of output o at [o · Taps + t].</summary>
    public int[] Index { get; }

    /// <summary>Weight of tap t of output o at [o · Taps + t].</summary>
    public float[] Weight { get; }

    /// <summary>True when the axis maps every index to itself with weight one.</summary>
    public bool IsIdentity { get; private set; }

    /// <summary>
    /// The taps spread over interleaved samples, tap-major: for tap t and output sample j = o·channels + c,
    /// [t · OutputSize · channels + j] holds the source sample index (Index · channels + c) or the weight.
    /// Lets a row be resampled with gathers, eight output samples at a time.
    /// </summary>
    public (int[] Index, float[] Weight) Interleaved(int channels)
    {
        var cached = _interleaved;
        if (cached is not null && cached.Value.Channels == channels)
        {
            return (cached.Value.Index, cached.Value.Weight);
        }

        var samples = OutputSize * channels;
        var index = new int[Taps * samples];
        var weight = new float[Taps * samples];
        for (var t = 0; t < Taps; t++)
        {
            for (var o = 0; o < OutputSize; o++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var j = (t * samples) + (o * channels) + c;
                    index[j] = (Index[(o * Taps) + t] * channels) + c;
                    weight[j] = Weight[(o * Taps) + t];
                }
            }
        }

        _interleaved = (channels, index, weight);
        return (index, weight);
    }

    private (int Channels, int[] Index, float[] Weight)? _interleaved;

    public static ResampleAxis Create(ResizeMethod method, int inputSize, int outputSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        var axis = method switch
        {
            ResizeMethod.NearestExact => NearestExact(inputSize, outputSize),
            ResizeMethod.Bilinear => Bilinear(inputSize, outputSize),
            ResizeMethod.Bicubic => Bicubic(inputSize, outputSize),
            ResizeMethod.Area => Area(inputSize, outputSize),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "This method has no float resampling axis."),
        };
        axis.IsIdentity = inputSize == outputSize && axis.MapsIndexToItself();
        return axis;
    }

    private static ResampleAxis NearestExact(int inputSize, int outputSize)
    {
        var axis = new ResampleAxis(inputSize, outputSize, 1);
        var scale = (float)inputSize / outputSize;
        for (var o = 0; o < outputSize; o++)
        {
            // torch: floorf((dst + 0.5) * scale), the product taken in double and rounded to float.
            var source = (int)MathF.Floor((float)((o + 0.5) * scale));
            axis.Index[o] = Math.Min(source, inputSize - 1);
            axis.Weight[o] = 1f;
        }

        return axis;
    }

    private static ResampleAxis Bilinear(int inputSize, int outputSize)
    {
        var axis = new ResampleAxis(inputSize, outputSize, 2);
        var scale = (float)inputSize / outputSize;
        for (var o = 0; o < outputSize; o++)
        {
            var real = (scale * (o + 0.5f)) - 0.5f;
            if (real < 0f)
            {
                real = 0f;
            }

            var i0 = (int)real;
            var lambda = Math.Clamp(real - i0, 0f, 1f);
            var i1 = i0 < inputSize - 1 ? i0 + 1 : i0;
            axis.Index[2 * o] = i0;
            axis.Index[(2 * o) + 1] = i1;
            axis.Weight[2 * o] = 1f - lambda;
            axis.Weight[(2 * o) + 1] = lambda;
        }

        return axis;
    }

    private static ResampleAxis Bicubic(int inputSize, int outputSize)
    {
        const float A = -0.75f;
        var axis = new ResampleAxis(inputSize, outputSize, 4);
        var scale = (float)inputSize / outputSize;
        for (var o = 0; o < outputSize; o++)
        {
            var real = (scale * (o + 0.5f)) - 0.5f;
            var i = (int)MathF.Floor(real);
            var t = real - i;
            var b = 4 * o;
            axis.Weight[b] = CubicFar(t + 1f, A);
            axis.Weight[b + 1] = CubicNear(t, A);
            var u = 1f - t;
            axis.Weight[b + 2] = CubicNear(u, A);
            axis.Weight[b + 3] = CubicFar(u + 1f, A);
            for (var k = 0; k < 4; k++)
            {
                axis.Index[b + k] = Math.Clamp(i - 1 + k, 0, inputSize - 1);
            }
        }

        return axis;
    }

    private static float CubicNear(float x, float a) => ((((a + 2f) * x) - (a + 3f)) * x * x) + 1f;

    private static float CubicFar(float x, float a) => ((((a * x) - (5f * a)) * x) + (8f * a)) * x - (4f * a);

    private static ResampleAxis Area(int inputSize, int outputSize)
    {
        // adaptive_avg_pool: window [floor(o·in/out), ceil((o+1)·in/out)).
        var taps = 0;
        for (var o = 0; o < outputSize; o++)
        {
            taps = Math.Max(taps, AreaEnd(o, inputSize, outputSize) - AreaStart(o, inputSize, outputSize));
        }

        var axis = new ResampleAxis(inputSize, outputSize, taps);
        for (var o = 0; o < outputSize; o++)
        {
            var start = AreaStart(o, inputSize, outputSize);
            var count = AreaEnd(o, inputSize, outputSize) - start;
            var weight = 1f / count;
            for (var k = 0; k < taps; k++)
            {
                axis.Index[(o * taps) + k] = k < count ? start + k : start;
                axis.Weight[(o * taps) + k] = k < count ? weight : 0f;
            }
        }

        return axis;
    }

    private static int AreaStart(int o, int inputSize, int outputSize) => (int)((long)o * inputSize / outputSize);

    private static int AreaEnd(int o, int inputSize, int outputSize) => (int)((((long)(o + 1) * inputSize) + outputSize - 1) / outputSize);

    private bool MapsIndexToItself()
    {
        for (var o = 0; o < OutputSize; o++)
        {
            var own = 0f;
            for (var t = 0; t < Taps; t++)
            {
                var w = Weight[(o * Taps) + t];
                if (Index[(o * Taps) + t] == o)
                {
                    own += w;
                }
                else if (w != 0f)
                {
                    return false;
                }
            }

            if (own != 1f)
            {
                return false;
            }
        }

        return true;
    }
}
