using Gantry.Engine.Json;

namespace Gantry.Api.V2;

/// <summary>
/// The <c>core/ASSET</c> reference objects (<c>{"__type": "core/ASSET", "info": {"id": …}}</c>) among a workflow's node
/// inputs, and the same workflow with each of them replaced by a plain value (the file name a loader takes).
/// </summary>
public static class AssetReferences
{
    public const string TypeName = "core/ASSET";

    /// <summary>Every reference, in graph order; <see cref="AssetReference.AssetId"/> is null when <c>info.id</c> is missing or not a string.</summary>
    public static IReadOnlyList<AssetReference> FindAll(JObject workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var found = new List<AssetReference>();
        foreach (var (nodeId, node) in workflow)
        {
            if (node is not JObject nodeObject || nodeObject["inputs"] is not JObject inputs)
            {
                continue;
            }

            foreach (var (input, value) in inputs)
            {
                if (value is JObject reference && reference["__type"]?.AsString == TypeName)
                {
                    found.Add(new AssetReference(nodeId, input, (reference["info"] as JObject)?["id"] is JString id ? id.Value : null));
                }
            }
        }

        return found;
    }

    /// <summary>The workflow with the inputs named in <paramref name="values"/> (by node id and input name) set to those strings.</summary>
    public static JObject Replace(JObject workflow, IReadOnlyDictionary<(string Node, string Input), string> values)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(values);
        return new JObject(workflow.Select(node =>
            node.Value is JObject nodeObject && nodeObject["inputs"] is JObject inputs && values.Keys.Any(key => key.Node == node.Key)
                ? new KeyValuePair<string, JValue>(node.Key, new JObject(nodeObject.Select(member => member.Key == "inputs"
                    ? new KeyValuePair<string, JValue>("inputs", new JObject(inputs.Select(input =>
                        values.TryGetValue((node.Key, input.Key), out var text) ? new KeyValuePair<string, JValue>(input.Key, new JString(text)) : input)))
                    : member)))
                : node));
    }
}

/// <summary>One <c>core/ASSET</c> reference: where it is and the asset id it names (null when it names none).</summary>
public sealed record AssetReference(string NodeId, string Input, string? AssetId);
