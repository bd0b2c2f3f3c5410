using Gantry.Engine.Json;

namespace Gantry.Engine.NodeModel;

/// <summary>One output slot: <c>output[i]</c>, <c>output_name[i]</c>, <c>output_is_list[i]</c>, <c>output_tooltips[i]</c>.</summary>
public sealed class OutputSpec
{
    public OutputSpec(JValue type, string name, bool isList = false, string? tooltip = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(name);
        Type = type;
        Name = name;
        IsList = isList;
        Tooltip = tooltip;
    }

    /// <summary>The output type: a JSON string (<c>"IMAGE"</c>) or, for combo outputs, a list.</summary>
    public JValue Type { get; }

    public string? TypeName => Type.AsString;

    public string Name { get; }

    public bool IsList { get; }

    public string? Tooltip { get; }

    public override string ToString() => $"{Name}: {Type.ToJsonString()}";
}
