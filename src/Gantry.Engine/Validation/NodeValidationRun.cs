using Gantry.Engine.Catalog;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>
/// ComfyUI's recursive <c>validate_inputs</c> for one prompt, as an iterative walk: visits linked ancestors from an output,
/// remembers each node's verdict, detects cycles, and coerces literal widget values in a working copy
/// (<see cref="LiteralChecks"/>, <see cref="CustomValidationCall"/>).
/// </summary>
internal sealed class NodeValidationRun
{
    /// <summary>Nodes of one cycle that carry its error (ComfyUI: all of them); the path text names as many (<see cref="CyclePath"/>).</summary>
    internal const int CycleNodesReported = 16;

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

        var path = new ValidationPath();
        path.Push(Open(nodeId));
        NodeVerdict? childVerdict = null;
        Exception? childError = null;
        while (true)
        {
            var frame = path.Top;
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
                path.Pop();
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
                path.Pop();
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
                else if (path.TryFind(child!, out var at))
                {
                    childVerdict = RecordCycle(child!, path, at);
                }
                else
                {
                    path.Push(Open(child!));
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                childError = ex;
            }
        }
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

            if (LiteralChecks.Coerce(input, inputs, at, frame.Errors) is { } coerced && custom?.Covers(input.Name) != true)
            {
                LiteralChecks.Check(input, coerced, frame.Errors);
            }
        }

        return null;
    }

    private NodeVerdict Finish(ValidationFrame frame)
    {
        CustomValidationCall.Run(frame.NodeId, frame.Info, frame.Inputs, frame.ReceivedTypes, frame.Errors);
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

        var source = LinkSources.FindSource(_prompt, link[0]);
        var sourceInfo = _nodes.Find(source.ClassType ?? string.Empty) ?? throw NodeException.KeyError(source.ClassTypeValue ?? JNull.Instance);
        var receivedType = LinkSources.OutputType(sourceInfo, link[1]);
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

    // The cycle closes at path[at]. ComfyUI reports the whole path on every node of it, which grows with the square
    // of the cycle; here at most CycleNodesReported nodes carry the error, and the path it shows is cut to as many.
    private NodeVerdict RecordCycle(string nodeId, ValidationPath path, int at)
    {
        var cycle = path.Frames.Skip(at).Select(f => f.NodeId).ToList();
        var shown = cycle.Take(CycleNodesReported).ToList();
        var text = CyclePath.Describe(_prompt, shown, cycle.Count, nodeId);
        for (var i = 0; i < cycle.Count; i++)
        {
            _validated[cycle[i]] = i < CycleNodesReported
                ? new NodeVerdict(false, [ValidationErrors.DependencyCycle(cycle[i], text, shown, cycle.Count)])
                : new NodeVerdict(false, []);
        }

        return _validated[nodeId];
    }

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
