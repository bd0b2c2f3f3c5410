using Gantry.Engine.Json;

namespace Gantry.Engine.Graph;

/// <summary>
/// One entry of an API-format prompt: <c>"id": {"class_type": ..., "inputs": {...}, "_meta": {...}}</c>.
/// Keeps the raw JSON; nothing about its shape is assumed, so odd input never throws here.
/// </summary>
public sealed class PromptNode
{
    internal PromptNode(string id, JValue json)
    {
        Id = id;
        Json = json;
        if (json is JObject obj)
        {
            ClassTypeValue = obj["class_type"];
            Inputs = obj["inputs"] as JObject;
            HasInputsMember = obj.ContainsKey("inputs");
            if (obj["_meta"] is JObject meta)
            {
                Title = meta["title"];
            }
        }
    }

    /// <summary>The node id (any string; may contain '.' or ':').</summary>
    public string Id { get; }

    /// <summary>The node's JSON exactly as submitted (after validation: as coerced).</summary>
    public JValue Json { get; }

    /// <summary>False when the entry is not a JSON object (ComfyUI then reports a missing class_type).</summary>
    public bool IsObject => Json is JObject;

    /// <summary>The raw <c>class_type</c> member, or null when absent.</summary>
    public JValue? ClassTypeValue { get; }

    /// <summary>The class type when it is a string, else null.</summary>
    public string? ClassType => ClassTypeValue?.AsString;

    /// <summary><c>_meta.title</c> when present (any JSON value), else null.</summary>
    public JValue? Title { get; }

    /// <summary>The <c>inputs</c> object, or null when absent or not an object.</summary>
    public JObject? Inputs { get; }

    /// <summary>Whether an <c>inputs</c> member exists at all (of any type).</summary>
    public bool HasInputsMember { get; }

    public override string ToString() => $"#{Id} {ClassTypeValue?.ToJsonString() ?? "(no class_type)"}";
}
