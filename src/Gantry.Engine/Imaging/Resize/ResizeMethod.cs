namespace Gantry.Engine.Imaging.Resize;

/// <summary>The interpolation modes of ComfyUI's ImageScale family (<c>upscale_method</c>).</summary>
public enum ResizeMethod
{
    /// <summary><c>nearest-exact</c>: torch nearest-exact, source index floor((dst + 0.5) · in/out).</summary>
    NearestExact,

    /// <summary><c>bilinear</c>: torch bilinear, align_corners=False, no antialiasing.</summary>
    Bilinear,

    /// <summary><c>area</c>: torch adaptive average pooling.</summary>
    Area,

    /// <summary><c>bicubic</c>: torch bicubic (A = −0.75), align_corners=False, no antialiasing, unclamped.</summary>
    Bicubic,

    /// <summary><c>lanczos</c>: Pillow's LANCZOS on 8-bit samples, as ComfyUI does it.</summary>
    Lanczos,
}

/// <summary>How ImageScale fits a source of another aspect ratio (<c>crop</c>).</summary>
public enum CropMode
{
    /// <summary><c>disabled</c>: stretch the whole source.</summary>
    Disabled,

    /// <summary><c>center</c>: cut the source to the target aspect ratio around its centre first.</summary>
    Center,
}

/// <summary>Maps ComfyUI's option strings to <see cref="ResizeMethod"/> and <see cref="CropMode"/>.</summary>
public static class ResizeOptions
{
    /// <summary>The <c>upscale_method</c> options in ComfyUI's order.</summary>
    public static IReadOnlyList<string> MethodNames { get; } = ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"];

    /// <summary>The <c>crop</c> options in ComfyUI's order.</summary>
    public static IReadOnlyList<string> CropNames { get; } = ["disabled", "center"];

    public static ResizeMethod ParseMethod(string name) => name switch
    {
        "nearest-exact" => ResizeMethod.NearestExact,
        "bilinear" => ResizeMethod.Bilinear,
        "area" => ResizeMethod.Area,
        "bicubic" => ResizeMethod.Bicubic,
        "lanczos" => ResizeMethod.Lanczos,
        _ => throw new ArgumentException($"Unknown upscale method '{name}'.", nameof(name)),
    };

    public static CropMode ParseCrop(string name) => name switch
    {
        "disabled" => CropMode.Disabled,
        "center" => CropMode.Center,
        _ => throw new ArgumentException($"Unknown crop mode '{name}'.", nameof(name)),
    };
}
