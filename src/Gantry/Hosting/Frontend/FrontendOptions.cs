namespace Gantry.Hosting.Frontend;

/// <summary>
/// A ComfyUI frontend build to serve at <c>/</c> (the <c>Gantry:Frontend</c> section; <c>gantry serve --frontend DIR</c>),
/// as ComfyUI's own <c>--front-end-root</c> does. Gantry ships none: the folder is the user's.
/// </summary>
public sealed class FrontendOptions
{
    public const string SectionName = "Gantry:Frontend";

    /// <summary>The folder holding the build's <c>index.html</c>; null or empty for none.</summary>
    public string? Root { get; set; }

    /// <summary>The full path of <see cref="Root"/>, or null when no frontend is configured.</summary>
    public string? FullRoot => string.IsNullOrWhiteSpace(Root) ? null : Path.GetFullPath(Root);

    /// <summary>Why the setting cannot be used (start refused), or null.</summary>
    public string? Problem()
    {
        if (FullRoot is not { } root)
        {
            return null;
        }

        if (!Directory.Exists(root))
        {
            return $"Gantry:Frontend:Root: the folder {root} does not exist.";
        }

        return File.Exists(Path.Combine(root, "index.html"))
            ? null
            : $"Gantry:Frontend:Root: {root} holds no index.html; name the folder of a ComfyUI frontend build (see docs/comfyui-frontend.md).";
    }
}
