using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>
/// The UI outputs of one run and their metadata, in the order the history shows them: a node that reports again
/// (a cached result, then its own) keeps only its last output, moved to the end.
/// </summary>
internal sealed class UiOutputs
{
    private readonly HashSet<string> _nodes = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, JObject>> _outputs = [];
    private readonly List<KeyValuePair<string, NodeMeta>> _meta = [];

    public IReadOnlyList<KeyValuePair<string, JObject>> Outputs => _outputs;

    public IReadOnlyList<KeyValuePair<string, NodeMeta>> Meta => _meta;

    public void Add(string nodeId, JObject ui)
    {
        if (!_nodes.Add(nodeId))
        {
            _outputs.RemoveAll(o => o.Key == nodeId);
            _meta.RemoveAll(m => m.Key == nodeId);
        }

        _outputs.Add(new(nodeId, ui));
        _meta.Add(new(nodeId, new NodeMeta(nodeId, nodeId, null, nodeId)));
    }
}
