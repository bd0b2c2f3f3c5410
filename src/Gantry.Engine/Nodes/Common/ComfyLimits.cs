namespace Gantry.Engine.Nodes.Common;

/// <summary>Constants ComfyUI's node definitions share.</summary>
internal static class ComfyLimits
{
    /// <summary><c>nodes.MAX_RESOLUTION</c>: the largest width, height or offset a widget accepts.</summary>
    public const int MaxResolution = 16384;
}
