using Gantry.Engine.Json;

namespace Gantry.Engine.NodeModel;

/// <summary>
/// What a node class declares, mirroring ComfyUI's class attributes / V3 Schema. Write it with an
/// object initializer in <see cref="ComfyNode.Define"/>:
/// <code>
/// new NodeSchema("ImageInvert")
/// {
///     DisplayName = "Invert Image",
///     Category = "image",
///     Inputs = { Input.Image("image") },
///     Outputs = { Output.Of("IMAGE") },
/// };
/// </code>
/// </summary>
public sealed class NodeSchema
{
    public NodeSchema(string classType)
    {
        ArgumentException.ThrowIfNullOrEmpty(classType);
        ClassType = classType;
    }

    /// <summary>The class_type clients put in prompts.</summary>
    public string ClassType { get; }

    /// <summary>The display name; the class type when null.</summary>
    public string? DisplayName { get; init; }

    public string Category { get; init; } = "sd";

    public string Description { get; init; } = string.Empty;

    /// <summary>The Python module ComfyUI reports (<c>nodes</c>, <c>comfy_extras.nodes_images</c>, ...).</summary>
    public string PythonModule { get; init; } = "nodes";

    /// <summary>OUTPUT_NODE: an execution root whose UI lands in history outputs.</summary>
    public bool IsOutputNode { get; init; }

    /// <summary>INPUT_IS_LIST: the node runs once and gets whole lists (<see cref="NodeInputs.GetList{T}"/>).</summary>
    public bool IsInputList { get; init; }

    /// <summary>NOT_IDEMPOTENT: the node id joins the cache key, so two such nodes never share a result.</summary>
    public bool NotIdempotent { get; init; }

    public bool Deprecated { get; init; }

    public bool Experimental { get; init; }

    public bool DevOnly { get; init; }

    public bool HasIntermediateOutput { get; init; }

    /// <summary>Required and optional inputs in order (<see cref="InputDefinition.AsOptional"/> marks optional ones).</summary>
    public IList<InputDefinition> Inputs { get; } = [];

    /// <summary>Hidden inputs (<see cref="Hidden.Prompt"/>, <see cref="Hidden.ExtraPngInfo"/>, <see cref="Hidden.UniqueId"/>).</summary>
    public IList<HiddenInputSpec> Hidden { get; } = [];

    public IList<OutputSpec> Outputs { get; } = [];

    public IList<string> SearchAliases { get; } = [];

    /// <summary>ComfyUI's ESSENTIALS_CATEGORY / V3 <c>essentials_category</c> (the frontend's essentials panel); null when none.</summary>
    public string? EssentialsCategory { get; init; }

    /// <summary>
    /// The inputs <see cref="ComfyNode.ValidateInputs"/> takes (VALIDATE_INPUTS' parameters). Non-empty
    /// turns custom validation on; these inputs then skip the min/max/combo checks.
    /// </summary>
    public IList<string> ValidatedInputs { get; } = [];

    /// <summary>VALIDATE_INPUTS takes <c>**kwargs</c>: all inputs are passed and none gets the built-in checks.</summary>
    public bool ValidatesAllInputs { get; init; }

    /// <summary>VALIDATE_INPUTS takes <c>input_types</c>: link type checks are skipped.</summary>
    public bool ValidatesInputTypes { get; init; }

    internal bool HasCustomValidation => ValidatedInputs.Count > 0 || ValidatesAllInputs || ValidatesInputTypes;
}

/// <summary>The hidden inputs ComfyUI fills in.</summary>
public static class Hidden
{
    /// <summary><c>"prompt": "PROMPT"</c>: the whole API prompt.</summary>
    public static HiddenInputSpec Prompt { get; } = new("prompt", HiddenKinds.Prompt);

    /// <summary><c>"extra_pnginfo": "EXTRA_PNGINFO"</c>: <c>extra_data.extra_pnginfo</c> (the UI workflow).</summary>
    public static HiddenInputSpec ExtraPngInfo { get; } = new("extra_pnginfo", HiddenKinds.ExtraPngInfo);

    /// <summary><c>"unique_id": "UNIQUE_ID"</c>: the node's own id (also puts the id into its cache key).</summary>
    public static HiddenInputSpec UniqueId { get; } = new("unique_id", HiddenKinds.UniqueId);
}

/// <summary>Factories for node outputs.</summary>
public static class Output
{
    /// <summary>An output of <paramref name="type"/>; its name defaults to the type, as in ComfyUI.</summary>
    public static OutputSpec Of(string type, string? name = null, bool isList = false, string? tooltip = null) =>
        new(new JString(type), name ?? type, isList, tooltip);
}
