using System.Numerics;
using Gantry.Engine.Catalog;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>
/// ComfyUI's recursive <c>validate_inputs</c> for one prompt: walks linked ancestors from an output,
/// remembers each node's verdict, detects cycles, and coerces literal widget values in a working copy.
/// </summary>
internal sealed partial class NodeValidationRun
{
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

    /// <summary>Validates one node and its linked ancestors; may throw (the caller turns that into an error).</summary>
    public NodeVerdict Validate(string nodeId, List<string> visiting)
    {
        if (_validated.TryGetValue(nodeId, out var known))
        {
            return known;
        }

        if (visiting.Contains(nodeId))
        {
            return RecordCycle(nodeId, visiting);
        }

        var node = _prompt.Find(nodeId) ?? throw NodeException.KeyError(nodeId);
        var inputs = WorkingInputs(node);
        var info = _nodes.Find(node.ClassType ?? string.Empty) ?? throw NodeException.KeyError(node.ClassTypeValue ?? JNull.Instance);
        var errors = new List<PromptError>();
        var valid = true;
        var receivedTypes = new List<KeyValuePair<string, JValue>>();
        var custom = info.CustomValidation;

        foreach (var input in info.Inputs)
        {
            var at = inputs.FindIndex(i => i.Key == input.Name);
            if (at < 0)
            {
                if (input.Section == InputSection.Required)
                {
                    errors.Add(ValidationErrors.RequiredInputMissing(input.Name));
                }

                continue;
            }

            var value = inputs[at].Value;
            if (value is JArray link)
            {
                if (!ValidateLink(nodeId, input, link, custom, visiting, errors, receivedTypes))
                {
                    valid = false;
                }

                continue;
            }

            if (CoerceLiteral(input, inputs, at, errors) is { } coerced && custom?.Covers(input.Name) != true)
            {
                CheckLiteral(input, coerced, errors);
            }
        }

        RunCustomValidation(nodeId, info, inputs, receivedTypes, errors);

        var previous = _validated.TryGetValue(nodeId, out var cycle) ? cycle : new NodeVerdict(true, []);
        var merged = previous.Errors.Concat(errors.Where(e => !previous.Errors.Contains(e))).ToList();
        var verdict = new NodeVerdict(previous.Valid && valid && errors.Count == 0, merged);
        _validated[nodeId] = verdict;
        return verdict;
    }

    // Returns false when the link makes this node invalid without an error of its own (a failing ancestor).
    private bool ValidateLink(
        string nodeId,
        InputSpec input,
        JArray link,
        CustomInputValidation? custom,
        List<string> visiting,
        List<PromptError> errors,
        List<KeyValuePair<string, JValue>> receivedTypes)
    {
        if (link.Count != 2)
        {
            errors.Add(ValidationErrors.BadLinkedInput(input, link));
            return true;
        }

        var source = FindSource(link[0]);
        var sourceInfo = _nodes.Find(source.ClassType ?? string.Empty) ?? throw NodeException.KeyError(source.ClassTypeValue ?? JNull.Instance);
        var receivedType = OutputType(sourceInfo, link[1]);
        receivedTypes.Add(new(input.Name, receivedType));
        if (custom?.TakesInputTypes != true && !IoTypes.Match(receivedType, input.Type))
        {
            errors.Add(ValidationErrors.ReturnTypeMismatch(input, receivedType, link));
            return true;
        }

        if (input.Options["nonNavigable"] is { } nonNavigable && PyOps.Truthy(nonNavigable))
        {
            return true;
        }

        try
        {
            visiting.Add(nodeId);
            NodeVerdict upstream;
            try
            {
                upstream = Validate(source.Id, visiting);
            }
            finally
            {
                visiting.RemoveAt(visiting.Count - 1);
            }

            return upstream.Valid;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _validated[source.Id] = new NodeVerdict(false, [ValidationErrors.InnerValidationException(input, ex, link)]);
            return false;
        }
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

    private NodeVerdict RecordCycle(string nodeId, List<string> visiting)
    {
        var path = visiting.Skip(visiting.IndexOf(nodeId)).Append(nodeId).ToList();
        var cycleNodes = path.Distinct(StringComparer.Ordinal).ToList();
        var text = string.Join(" -> ", path.Select(id => $"{id} ({PyFormat.Str(_prompt.Find(id)?.ClassTypeValue ?? JNull.Instance)})"));
        foreach (var id in cycleNodes)
        {
            _validated[id] = new NodeVerdict(false, [ValidationErrors.DependencyCycle(id, text, cycleNodes)]);
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

/// <summary>A node's validation verdict and its own errors.</summary>
internal sealed record NodeVerdict(bool Valid, List<PromptError> Errors);
