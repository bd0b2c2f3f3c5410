using Gantry.Engine.Json;

namespace Gantry.Engine.Imaging.Compositing;

/// <summary>The eighteen Porter-Duff modes of ComfyUI's PorterDuffImageComposite, on premultiplied float32 values.</summary>
public static class PorterDuffModes
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "ADD", "CLEAR", "DARKEN", "DST", "DST_ATOP", "DST_IN", "DST_OUT", "DST_OVER", "LIGHTEN", "MULTIPLY", "OVERLAY", "SCREEN",
        "SRC", "SRC_ATOP", "SRC_IN", "SRC_OUT", "SRC_OVER", "XOR",
    ];

    /// <summary>The mode's index in <see cref="Names"/>; a KeyError for an unknown name, as Python's enum lookup.</summary>
    public static int Parse(string name)
    {
        var index = Names.ToList().IndexOf(name);
        return index >= 0 ? index : throw NodeException.KeyError(name);
    }

    /// <summary>
    /// One frame: masks are transparency (alpha = 1 − mask); writes the un-premultiplied, clamped image and the mask of
    /// the result. Each formula is evaluated in the order ComfyUI writes it, in float32, so the results agree bit for bit.
    /// </summary>
    public static void Composite(
        int mode, ReadOnlySpan<float> source, ReadOnlySpan<float> sourceMask, ReadOnlySpan<float> destination, ReadOnlySpan<float> destinationMask,
        int channels, Span<float> image, Span<float> mask)
    {
        for (var p = 0; p < destinationMask.Length; p++)
        {
            var sa = 1f - sourceMask[p];
            var da = 1f - destinationMask[p];
            var outAlpha = Alpha(mode, sa, da);
            for (var c = 0; c < channels; c++)
            {
                var at = (p * channels) + c;
                var s = source[at] * sa;
                var d = destination[at] * da;
                var value = Color(mode, s, sa, d, da);
                value = outAlpha > 1e-5f ? value / outAlpha : 0f;
                image[at] = Math.Clamp(value, 0f, 1f);
            }

            mask[p] = 1f - outAlpha;
        }
    }

    private static float Alpha(int mode, float sa, float da) => Names[mode] switch
    {
        "ADD" => Math.Clamp(sa + da, 0f, 1f),
        "CLEAR" => 0f,
        "DARKEN" or "LIGHTEN" or "OVERLAY" or "SCREEN" => sa + da - (sa * da),
        "DST" or "SRC_ATOP" => da,
        "DST_ATOP" or "SRC" => sa,
        "DST_IN" or "SRC_IN" or "MULTIPLY" => sa * da,
        "DST_OUT" => (1f - sa) * da,
        "DST_OVER" => da + ((1f - da) * sa),
        "SRC_OUT" => (1f - da) * sa,
        "SRC_OVER" => sa + ((1f - sa) * da),
        _ => ((1f - da) * sa) + ((1f - sa) * da), // XOR
    };

    private static float Color(int mode, float s, float sa, float d, float da) => Names[mode] switch
    {
        "ADD" => Math.Clamp(s + d, 0f, 1f),
        "CLEAR" => 0f,
        "DARKEN" => ((1f - da) * s) + ((1f - sa) * d) + MathF.Min(s, d),
        "DST" => d,
        "DST_ATOP" => (sa * d) + ((1f - da) * s),
        "DST_IN" => d * sa,
        "DST_OUT" => (1f - sa) * d,
        "DST_OVER" => d + ((1f - da) * s),
        "LIGHTEN" => ((1f - da) * s) + ((1f - sa) * d) + MathF.Max(s, d),
        "MULTIPLY" => s * d,
        "OVERLAY" => 2f * d < da ? 2f * s * d : (sa * da) - (2f * (da - s) * (sa - d)),
        "SCREEN" => s + d - (s * d),
        "SRC" => s,
        "SRC_ATOP" => (da * s) + ((1f - sa) * d),
        "SRC_IN" => s * da,
        "SRC_OUT" => (1f - da) * s,
        "SRC_OVER" => s + ((1f - sa) * d),
        _ => ((1f - da) * s) + ((1f - sa) * d), // XOR
    };
}
