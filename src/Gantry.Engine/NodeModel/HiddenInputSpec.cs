namespace Gantry.Engine.NodeModel;

/// <summary>The value kinds ComfyUI fills into hidden inputs.</summary>
public static class HiddenKinds
{
    public const string Prompt = "PROMPT";
    public const string ExtraPngInfo = "EXTRA_PNGINFO";
    public const string UniqueId = "UNIQUE_ID";
}

/// <summary>A hidden input: <c>"name": "KIND"</c> (e.g. <c>"unique_id": "UNIQUE_ID"</c>).</summary>
public sealed record HiddenInputSpec(string Name, string Kind);
