using Gantry.Engine.Json;

namespace Gantry.Api.V2;

/// <summary>A stored API-format graph's node ids and class types: what progress snapshots count and name.</summary>
public sealed class PromptNodes
{
    private readonly Dictionary<string, string?> _classes;

    private PromptNodes(Dictionary<string, string?> classes) => _classes = classes;

    public int Count => _classes.Count;

    public string? ClassOf(string nodeId) => _classes.GetValueOrDefault(nodeId);

    /// <summary>Reads the stored graph with the submit path's parser (it was accepted there); anything unreadable counts as no nodes.</summary>
    public static PromptNodes Read(byte[] promptJson)
    {
        var classes = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (JParser.TryParse(promptJson, out var parsed, out _) && parsed is JObject graph)
        {
            foreach (var (nodeId, node) in graph)
            {
                classes[nodeId] = (node as JObject)?["class_type"]?.AsString;
            }
        }

        return new PromptNodes(classes);
    }
}
