using Gantry.Engine.Catalog;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>A node's validation verdict and its own errors.</summary>
internal sealed record NodeVerdict(bool Valid, List<PromptError> Errors);

/// <summary>A node whose inputs are being checked: where it stopped, and the ancestor it waits for.</summary>
internal sealed class ValidationFrame(string nodeId, List<KeyValuePair<string, JValue>> inputs, NodeInfo info)
{
    public string NodeId { get; } = nodeId;

    public List<KeyValuePair<string, JValue>> Inputs { get; } = inputs;

    public NodeInfo Info { get; } = info;

    public List<PromptError> Errors { get; } = [];

    public List<KeyValuePair<string, JValue>> ReceivedTypes { get; } = [];

    public bool Valid { get; set; } = true;

    /// <summary>The next input of <see cref="NodeInfo.Inputs"/> to check.</summary>
    public int Next { get; set; }

    public PendingLink? Pending { get; set; }
}

/// <summary>A link input whose source node is being validated.</summary>
internal sealed record PendingLink(InputSpec Input, JArray Link, string SourceId);

/// <summary>The frames open on the walk, from the output down to the node being checked; a node met again on it closes a cycle.</summary>
internal sealed class ValidationPath
{
    private readonly List<ValidationFrame> _frames = [];
    private readonly Dictionary<string, int> _at = new(StringComparer.Ordinal);

    public int Count => _frames.Count;

    public ValidationFrame Top => _frames[^1];

    public IReadOnlyList<ValidationFrame> Frames => _frames;

    public void Push(ValidationFrame frame)
    {
        _at[frame.NodeId] = _frames.Count;
        _frames.Add(frame);
    }

    public void Pop()
    {
        _at.Remove(_frames[^1].NodeId);
        _frames.RemoveAt(_frames.Count - 1);
    }

    /// <summary>Where <paramref name="nodeId"/> is on the path, if it is.</summary>
    public bool TryFind(string nodeId, out int at) => _at.TryGetValue(nodeId, out at);
}
