namespace Gantry.Engine.Imaging.Blend;

/// <summary>ImageBlend's <c>blend_mode</c> options.</summary>
public enum BlendMode
{
    /// <summary><c>normal</c>: b.</summary>
    Normal,

    /// <summary><c>multiply</c>: a·b.</summary>
    Multiply,

    /// <summary><c>screen</c>: 1 − (1 − a)(1 − b).</summary>
    Screen,

    /// <summary><c>overlay</c>: a ≤ 0.5 ? 2ab : 1 − 2(1 − a)(1 − b).</summary>
    Overlay,

    /// <summary><c>soft_light</c>: b ≤ 0.5 ? a − (1 − 2b)·a·(1 − a) : a + (2b − 1)(g(a) − a).</summary>
    SoftLight,

    /// <summary><c>difference</c>: a − b (not |a − b|; the final clamp cuts negatives, as in ComfyUI).</summary>
    Difference,
}

/// <summary>Maps ComfyUI's option strings to <see cref="BlendMode"/>.</summary>
public static class BlendModes
{
    public static IReadOnlyList<string> Names { get; } = ["normal", "multiply", "screen", "overlay", "soft_light", "difference"];

    public static BlendMode Parse(string name) => name switch
    {
        "normal" => BlendMode.Normal,
        "multiply" => BlendMode.Multiply,
        "screen" => BlendMode.Screen,
        "overlay" => BlendMode.Overlay,
        "soft_light" => BlendMode.SoftLight,
        "difference" => BlendMode.Difference,
        _ => throw new ArgumentException($"Unsupported blend mode '{name}'.", nameof(name)),
    };
}
