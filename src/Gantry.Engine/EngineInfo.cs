namespace Gantry.Engine;

/// <summary>Version facts of the built-in engine.</summary>
public static class EngineInfo
{
    /// <summary>The ComfyUI version whose behaviour the engine follows.</summary>
    public const string ComfyUiCompatibleVersion = "0.33.1";
}
