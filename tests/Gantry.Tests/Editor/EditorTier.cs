using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Editor;

/// <summary>
/// The browser tier: the real ComfyUI editor (an unpacked build named by <c>GANTRY_TEST_FRONTEND</c>; test.sh unpacks
/// ../shared/comfyui-frontend) in Debian's Chromium (<c>GANTRY_TEST_CHROMIUM</c>, default /usr/bin/chromium), driven by
/// Playwright against <c>gantry serve --frontend</c>. Skipped, saying why, when either is missing.
/// </summary>
public static class EditorTier
{
    public static string? FrontendRoot => Environment.GetEnvironmentVariable("GANTRY_TEST_FRONTEND") is { Length: > 0 } root
        ? (File.Exists(Path.Combine(root, "index.html")) ? root
            : Directory.GetDirectories(root).FirstOrDefault(d => File.Exists(Path.Combine(d, "index.html"))))
        : null;

    public static string Chromium => Environment.GetEnvironmentVariable("GANTRY_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Why the tier cannot run here, or null.</summary>
    public static string? SkipReason =>
        Environment.GetEnvironmentVariable("GANTRY_TEST_FRONTEND") is not { Length: > 0 }
            ? "The editor tier needs GANTRY_TEST_FRONTEND (an unpacked ComfyUI frontend build; ./test.sh sets it from ../shared/comfyui-frontend)."
            : FrontendRoot is null ? $"GANTRY_TEST_FRONTEND ({Environment.GetEnvironmentVariable("GANTRY_TEST_FRONTEND")}) holds no index.html."
            : !File.Exists(Chromium) ? $"The editor tier needs Chromium at {Chromium} (apt-get install chromium, or set GANTRY_TEST_CHROMIUM)."
            : null;

    /// <summary>Where screenshots go: artifacts/editor-screenshots under the repository.</summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "artifacts", "editor-screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}
