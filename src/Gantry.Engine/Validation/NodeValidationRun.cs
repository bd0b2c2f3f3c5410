using System.Numerics;
using Gantry.Engine.Catalog;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>
/// ComfyUI's recursive <c>validate_inputs</c> for one prompt, as an iterative walk: visits linked ancestors from an output,
/// remembers each node's verdict, detects cycles, and coerces literal widget values in a working copy.
/// </summary>
internal sealed partial class NodeValidationRun
{
    /// <summary>Nodes of one cycle that carry its error (ComfyUI: all of them), and how much of an id the path shows.</summary>
    internal const int CycleNodesReported = 16;
    private const int CycleIdShown = 64;

    private readonly Prompt _prompt;
    private readonly INodeInfoSource _nodes;
    private readonly OrderedDictionary<string, NodeVerdict> _validated = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<KeyValuePair<string, JValue>>> _workingInputs = new(StringComparer.Ordinal);

    public NodeValidationRun(Prompt prompt, INodeInfoSource nodes)
    {
        _prompt = prompt;
        _nodes = nodes;
    }

    /// <summary>Verdicts in the order ComfyUI records them.</summary>
    public IEnumerable<KeyValuePair<string, NodeVerdict>> Validated => _validated;

    public void Record(string nodeId, bool valid, List<PromptError> errors) => _validated[nodeId] = new NodeVerdict(valid, errors);

    /// <summary>The prompt with the coerced inputs of every validated node.</summary>
    public Prompt CoercedPrompt() =>
        _prompt.WithInputs(_workingInputs.ToDictionary(w => w.Key, w => new JObject(w.Value), StringComparer.Ordinal));

    /// <summary>The node and every node it links to, transitively (the ancestors validation can reach).</summary>
    public HashSet<string> Ancestry(string nodeId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([nodeId]);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!seen.Add(id) || _prompt.Find(id)?.Inputs is not { } inputs)
            {
                continue;
            }

            foreach (var (_, value) in inputs)
            {
                if (value is JArray { Count: 2 } link && link[0] is JString source && _prompt.Contains(source.Value))
                {
                    stack.Push(source.Value);
                }
            }
        }

        return seen;
    }

    /// <summary>
    /// The nodes with errors among <paramref name="nodeId"/> and its ancestors, in the order they were validated
    /// (ComfyUI walks every verdict per failed output; this costs the ancestry, not the whole prompt).
    /// </summary>
    public IEnumerable<KeyValuePair<string, NodeVerdict>> FailedAncestry(string nodeId) =>
        Ancestry(nodeId)
            .Select(id => (Id: id, At: _validated.IndexOf(id)))
            .Where(n => n.At >= 0)
            .OrderBy(n => n.At)
            .Select(n => _validated.GetAt(n.At))
            .Where(v => !v.Value.Valid && v.Value.Errors.Count > 0);

    /// <summary>
    /// Validates one node and its linked ancestors; may throw (the caller turns that into an error). The walk keeps
    /// its own stack of open nodes, so a graph of any depth validates without deepening the thread's stack; an
    /// exception while validating an ancestor becomes that ancestor's error, as ComfyUI's recursion reports it.
    /// </summary>
    public NodeVerdict Validate(string nodeId)
    {
        if (_validated.TryGetValue(nodeId, out var known))
        {
            return known;
        }

        var path = new List<ValidationFrame>();
        var onPath = new Dictionary<string, int>(StringComparer.Ordinal);
        Push(path, onPath, Open(nodeId));
        NodeVerdict? childVerdict = null;
        Exception? childError = null;
        while (true)
        {
            var frame = path[^1];
            string? child;
            NodeVerdict? verdict = null;
            try
            {
                Resume(frame, childVerdict, childError);
                childVerdict = null;
                childError = null;
                child = Advance(frame);
                if (child is null)
                {
                    verdict = Finish(frame);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Pop(path, onPath);
                if (path.Count == 0)
                {
                    throw;
                }

                childVerdict = null;
                childError = ex;
                continue;
            }

            if (verdict is not null)
            {
                Pop(path, onPath);
                if (path.Count == 0)
                {
                    return verdict;
                }

                childVerdict = verdict;
                continue;
            }

            try
            {
                if (_validated.TryGetValue(child!, out var childKnown))
                {
                    childVerdict = childKnown;
                }
                else if (onPath.TryGetValue(child!, out var at))
                {
                    childVerdict = RecordCycle(child!, path, at);
                }
                else
                {
                    Push(path, onPath, Open(child!));
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                childError = ex;
            }
        }
    }

    private static void Push(List<ValidationFrame> path, Dictionary<string, int> onPath, ValidationFrame frame)
    {
        onPath[frame.NodeId] = path.Count;
        path.Add(frame);
    }

    private static void Pop(List<ValidationFrame> path, Dictionary<string, int> onPath)
    {
        onPath.Remove(path[^1].NodeId);
        path.RemoveAt(path.Count - 1);
    }

    private ValidationFrame Open(string nodeId)
    {
        var node = _prompt.Find(nodeId) ?? throw NodeException.KeyError(nodeId);
        var inputs = WorkingInputs(node);
        var info = _nodes.Find(node.ClassType ?? string.Empty) ?? throw NodeException.KeyError(node.ClassTypeValue ?? JNull.Instance);
        return new ValidationFrame(nodeId, inputs, info);
    }

    // The linked ancestor the frame waited for has its verdict (or threw): ComfyUI's except around validate_inputs.
    private void Resume(ValidationFrame frame, NodeVerdict? childVerdict, Exception? childError)
    {
        if (frame.Pending is not { } pending)
        {
            return;
        }

        frame.Pending = null;
        if (childError is not null)
        {
            _validated[pending.SourceId] = new NodeVerdict(false, [ValidationErrors.InnerValidationException(pending.Input, childError, pending.Link)]);
            frame.Valid = false;
        }
        else if (childVerdict is { Valid: false })
        {
            frame.Valid = false;
        }
    }

    // Checks the frame's inputs from where it stopped; returns the next ancestor to validate, or null when all are done.
    private string? Advance(ValidationFrame frame)
    {
        var inputs = frame.Inputs;
        var custom = frame.Info.CustomValidation;
        while (frame.Next < frame.Info.Inputs.Count)
        {
            var input = frame.Info.Inputs[frame.Next++];
            var at = inputs.FindIndex(i => i.Key == input.Name);
            if (at < 0)
            {
                if (input.Section == InputSection.Required)
                {
                    frame.Errors.Add(ValidationErrors.RequiredInputMissing(input.Name));
                }

                continue;
            }

            var value = inputs[at].Value;
            if (value is JArray link)
            {
                if (BeginLink(frame, input, link, custom) is { } source)
                {
                    return source;
                }

                continue;
            }

            if (CoerceLiteral(input, inputs, at, frame.Errors) is { } coerced && custom?.Covers(input.Name) != true)
            {
                CheckLiteral(input, coerced, frame.Errors);
            }
        }

        return null;
    }

    private NodeVerdict Finish(ValidationFrame frame)
    {
        RunCustomValidation(frame.NodeId, frame.Info, frame.Inputs, frame.ReceivedTypes, frame.Errors);
        var errors = frame.Errors;
        var previous = _validated.TryGetValue(frame.NodeId, out var cycle) ? cycle : new NodeVerdict(true, []);
        var merged = previous.Errors.Concat(errors.Where(e => !previous.Errors.Contains(e))).ToList();
        var verdict = new NodeVerdict(previous.Valid && frame.Valid && errors.Count == 0, merged);
        _validated[frame.NodeId] = verdict;
        return verdict;
    }

    // Checks a link's shape and types; returns the linked node to validate next, or null when the link needs no walk.
    private string? BeginLink(ValidationFrame frame, InputSpec input, JArray link, CustomInputValidation? custom)
    {
        if (link.Count != 2)
        {
            frame.Errors.Add(ValidationErrors.BadLinkedInput(input, link));
            return null;
        }

        var source = FindSource(link[0]);
        var sourceInfo = _nodes.Find(source.ClassType ?? string.Empty) ?? throw NodeException.KeyError(source.ClassTypeValue ?? JNull.Instance);
        var receivedType = OutputType(sourceInfo, link[1]);
        frame.ReceivedTypes.Add(new(input.Name, receivedType));
        if (custom?.TakesInputTypes != true && !IoTypes.Match(receivedType, input.Type))
        {
            frame.Errors.Add(ValidationErrors.ReturnTypeMismatch(input, receivedType, link));
            return null;
        }

        if (input.Options["nonNavigable"] is { } nonNavigable && PyOps.Truthy(nonNavigable))
        {
            return null;
        }

        frame.Pending = new PendingLink(input, link, source.Id);
        return source.Id;
    }

    // prompt[o_id]: a missing id is a KeyError with the key's repr; lists and dicts are unhashable.
    private PromptNode FindSource(JValue id)
    {
        if (id is JArray or JObject)
        {
            throw NodeException.TypeError($"unhashable type: '{PyFormat.TypeName(id)}'");
        }

        return id is JString s && _prompt.Find(s.Value) is { } node ? node : throw NodeException.KeyError(id);
    }

    // RETURN_TYPES[slot] with Python indexing rules.
    private static JValue OutputType(NodeInfo source, JValue slot)
    {
        BigInteger index = slot switch
        {
            JInt i => i.Value,
            JBool b => b.Value ? 1 : 0,
            _ => throw NodeException.TypeError($"tuple indices must be integers or slices, not {PyFormat.TypeName(slot)}"),
        };
        var count = source.Outputs.Count;
        var resolved = index < 0 ? index + count : index;
        if (resolved < 0 || resolved >= count)
        {
            throw NodeException.IndexError("tuple index out of range");
        }

        return source.Outputs[(int)resolved].Type;
    }

    // The cycle closes at path[at]. ComfyUI reports the whole path on every node of it, which grows with the square
    // of the cycle; here at most CycleNodesReported nodes carry the error, and the path it shows is cut to as many.
    private NodeVerdict RecordCycle(string nodeId, List<ValidationFrame> path, int at)
    {
        var length = path.Count - at;
        var shown = path.Skip(at).Take(CycleNodesReported).Select(f => f.NodeId).ToList();
        var steps = shown.Select(Describe);
        var omitted = length - shown.Count;
        var text = omitted > 0
            ? string.Join(" -> ", steps.Append($"... ({omitted} more)").Append(Describe(nodeId)))
            : string.Join(" -> ", steps.Append(Describe(nodeId)));
        for (var i = at; i < path.Count; i++)
        {
            var id = path[i].NodeId;
            _validated[id] = i - at < CycleNodesReported
                ? new NodeVerdict(false, [ValidationErrors.DependencyCycle(id, text, shown, length)])
                : new NodeVerdict(false, []);
        }

        return _validated[nodeId];
    }

    private string Describe(string id) =>
        $"{(id.Length > CycleIdShown ? id[..CycleIdShown] + "..." : id)} ({PyFormat.Str(_prompt.Find(id)?.ClassTypeValue ?? JNull.Instance)})";

    private List<KeyValuePair<string, JValue>> WorkingInputs(PromptNode node)
    {
        if (_workingInputs.TryGetValue(node.Id, out var existing))
        {
            return existing;
        }

        if (!node.HasInputsMember)
        {
            throw NodeException.KeyError("inputs");
        }

        if (node.Inputs is not { } inputs)
        {
            var actual = node.Json is JObject obj ? obj["inputs"] ?? JNull.Instance : JNull.Instance;
            throw NodeException.TypeError($"'inputs' of node '{node.Id}' must be a dict, not '{PyFormat.TypeName(actual)}'");
        }

        var working = inputs.ToList();
        _workingInputs[node.Id] = working;
        return working;
    }
}

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
