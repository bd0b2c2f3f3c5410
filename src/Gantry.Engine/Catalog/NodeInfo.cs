using Gantry.Engine.Json;

namespace Gantry.Engine.Catalog;

/// <summary>
/// What a node class is, as data: the information ComfyUI serves per class in <c>/object_info</c>
/// plus the behaviours validation needs (custom input validation). Validation works on this data
/// only, so a graph can be validated against catalogs of ComfyUI workers whose nodes the engine
/// does not implement (<see cref="FromObjectInfo"/>). Immutable.
/// </summary>
public sealed class NodeInfo
{
    private readonly Dictionary<string, InputSpec> _inputsByName;

    public NodeInfo(string name, IReadOnlyList<InputSpec> inputs, IReadOnlyList<OutputSpec> outputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        Name = name;
        DisplayName = name;
        Inputs = inputs;
        Outputs = outputs;
        _inputsByName = new Dictionary<string, InputSpec>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            _inputsByName.TryAdd(input.Name, input);
        }
    }

    /// <summary>The class_type.</summary>
    public string Name { get; }

    public string DisplayName { get; init; }

    public string Category { get; init; } = "sd";

    public string Description { get; init; } = string.Empty;

    public string PythonModule { get; init; } = "nodes";

    /// <summary>ComfyUI's OUTPUT_NODE: an execution root.</summary>
    public bool OutputNode { get; init; }

    /// <summary>ComfyUI's INPUT_IS_LIST: the node gets whole lists and runs once.</summary>
    public bool IsInputList { get; init; }

    public bool Deprecated { get; init; }

    public bool Experimental { get; init; }

    public bool DevOnly { get; init; }

    public bool ApiNode { get; init; }

    public bool HasIntermediateOutput { get; init; }

    /// <summary>ComfyUI's NOT_IDEMPOTENT: the node id joins its cache key (not part of /object_info).</summary>
    public bool NotIdempotent { get; init; }

    /// <summary>Required and optional inputs in declaration order.</summary>
    public IReadOnlyList<InputSpec> Inputs { get; }

    public IReadOnlyList<HiddenInputSpec> Hidden { get; init; } = [];

    public IReadOnlyList<OutputSpec> Outputs { get; }

    public IReadOnlyList<string> SearchAliases { get; init; } = [];

    /// <summary>The frontend's essentials panel group (<c>essentials_category</c>); null when none.</summary>
    public string? EssentialsCategory { get; init; }

    /// <summary>The node's own input validation, when it has one.</summary>
    public CustomInputValidation? CustomValidation { get; init; }

    /// <summary>The worker's original <c>/object_info</c> entry when this info was parsed from one; serialized back verbatim.</summary>
    public JObject? Raw { get; init; }

    /// <summary>Whether the node takes its own id (UNIQUE_ID), which makes the id part of its cache key.</summary>
    public bool TakesUniqueId => Hidden.Any(h => h.Kind == HiddenKinds.UniqueId);

    public InputSpec? FindInput(string name) => _inputsByName.GetValueOrDefault(name);

    public IEnumerable<InputSpec> RequiredInputs => Inputs.Where(i => i.Section == InputSection.Required);

    public IEnumerable<InputSpec> OptionalInputs => Inputs.Where(i => i.Section == InputSection.Optional);

    /// <summary>This class's <c>/object_info</c> entry (the raw one when parsed from a worker).</summary>
    public JObject ToJson() => Raw ?? NodeInfoJson.Write(this);

    /// <summary>A copy with another input validation (a worker's class checked as the built-in node checks it).</summary>
    public NodeInfo WithCustomValidation(CustomInputValidation? validation) => new(Name, Inputs, Outputs)
    {
        DisplayName = DisplayName,
        Category = Category,
        Description = Description,
        PythonModule = PythonModule,
        OutputNode = OutputNode,
        IsInputList = IsInputList,
        Deprecated = Deprecated,
        Experimental = Experimental,
        DevOnly = DevOnly,
        ApiNode = ApiNode,
        HasIntermediateOutput = HasIntermediateOutput,
        NotIdempotent = NotIdempotent,
        Hidden = Hidden,
        SearchAliases = SearchAliases,
        EssentialsCategory = EssentialsCategory,
        CustomValidation = validation,
        Raw = Raw,
    };

    /// <summary>Reads one <c>/object_info</c> entry; lenient (odd members are skipped, never thrown).</summary>
    public static NodeInfo FromObjectInfo(string name, JValue json) => NodeInfoJson.Read(name, json);

    public override string ToString() => Name;
}
