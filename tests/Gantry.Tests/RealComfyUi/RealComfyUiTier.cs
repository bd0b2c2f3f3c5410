namespace Gantry.Tests.RealComfyUi;

/// <summary>
/// The real-ComfyUI tier: tests that drive an actual ComfyUI server. They run when <c>GANTRY_TEST_COMFYUI</c> names
/// its URL and are skipped otherwise (<c>./test.sh --real-comfyui</c> starts one and sets it). Tests that kill and
/// restart ComfyUI start their own with the script named by <c>GANTRY_COMFYUI_START</c>.
/// </summary>
public static class RealComfyUiTier
{
    public const string UrlVariable = "GANTRY_TEST_COMFYUI";

    public const string StartVariable = "GANTRY_COMFYUI_START";

    /// <summary>The shared ComfyUI's address, or null when the tier does not run.</summary>
    public static Uri? Url =>
        Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } value
            ? new Uri(value.EndsWith('/') ? value : value + "/")
            : null;

    /// <summary>The script that starts a private ComfyUI (<c>--port N --dir D</c>, prints the URL last), or null.</summary>
    public static string? StartScript =>
        Environment.GetEnvironmentVariable(StartVariable) is { Length: > 0 } value && File.Exists(value) ? value : null;

    /// <summary>Null when the tier can run; else why not, as a skip message.</summary>
    public static string? SkipReason => Url is null
        ? $"{UrlVariable} is not set: run `./test.sh --real-comfyui`, or `export {UrlVariable}=http://127.0.0.1:8188` to test against your own ComfyUI."
        : null;

    /// <summary>Null when a test may start its own ComfyUI; else why not.</summary>
    public static string? StartSkipReason => SkipReason ?? (StartScript is null
        ? $"{StartVariable} does not name a ComfyUI start script (`./test.sh --real-comfyui` sets it): this test kills and restarts its own ComfyUI."
        : null);
}

/// <summary>Every real-ComfyUI test runs in this one collection, one at a time: they share one ComfyUI, whose queue and interrupt are global.</summary>
[CollectionDefinition(Name)]
public sealed class RealComfyUiCollection
{
    public const string Name = "Real ComfyUI";
}
