using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;

namespace Gantry.Engine.NodeModel;

/// <summary>How a combo lists its values in <c>/object_info</c>.</summary>
public enum ComboStyle
{
    /// <summary>Not a combo.</summary>
    None,

    /// <summary>V1 nodes: the type itself is the list of values (<c>[["a", "b"], {...}]</c>).</summary>
    Legacy,

    /// <summary>V3 nodes: type <c>"COMBO"</c> with <c>options.options</c>.</summary>
    Modern,
}

/// <summary>
/// One declared input of a node (build with <see cref="Input"/>). Immutable; adjust with
/// <see cref="AsOptional"/> and <see cref="With"/>.
/// </summary>
public sealed record InputDefinition
{
    internal InputDefinition(string name, JValue type, JObject options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type;
        Options = options;
    }

    public string Name { get; }

    /// <summary>The declared type ("INT", "IMAGE", "COMBO", ...; for a legacy combo the static value list).</summary>
    public JValue Type { get; private init; }

    /// <summary>The options object in the order ComfyUI shows it.</summary>
    public JObject Options { get; private init; }

    public bool IsOptional { get; private init; }

    /// <summary>False for a V1 declaration without an options dict (<c>("IMAGE",)</c>), shown as <c>[type]</c>.</summary>
    public bool HasOptions { get; internal init; } = true;

    public ComboStyle Combo { get; internal init; }

    /// <summary>Values computed when the catalog is described (e.g. files of the input folder).</summary>
    public Func<EngineFolders, IReadOnlyList<string>>? ComboSource { get; internal init; }

    /// <summary>This input in the <c>optional</c> section.</summary>
    public InputDefinition AsOptional() => this with { IsOptional = true };

    /// <summary>Sets one option (appended, or replaced in place), for anything the factories do not cover.</summary>
    public InputDefinition With(string key, JValue value) => this with { Options = Options.With(key, value), HasOptions = true };
}
