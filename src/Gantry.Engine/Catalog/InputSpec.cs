using Gantry.Engine.Json;

namespace Gantry.Engine.Catalog;

/// <summary>Which section of <c>input</c> an input belongs to.</summary>
public enum InputSection
{
    Required,
    Optional,
}

/// <summary>
/// One declared input as <c>/object_info</c> shows it: <c>"name": [type, options]</c>, or <c>[type]</c> for a
/// V1 input declared without an options dict (<c>("IMAGE",)</c>). The type is a string (<c>"INT"</c>,
/// <c>"IMAGE"</c>, <c>"COMBO"</c>, <c>"*"</c>, <c>"A,B"</c>) or, for a legacy combo, the JSON array of allowed values.
/// </summary>
public sealed class InputSpec
{
    /// <summary>An input; a null <paramref name="options"/> is a one-element declaration <c>[type]</c>.</summary>
    public InputSpec(string name, InputSection section, JValue type, JObject? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(type);
        Name = name;
        Section = section;
        Type = type;
        Options = options ?? JObject.Empty;
        HasOptions = options is not null;
    }

    public string Name { get; }

    public InputSection Section { get; }

    /// <summary>The type: a JSON string, or a JSON array of combo values (legacy combo).</summary>
    public JValue Type { get; }

    /// <summary>The type when it is a string, else null.</summary>
    public string? TypeName => Type.AsString;

    /// <summary>The options object (default, min, max, tooltip, options, image_upload, ...); empty when none.</summary>
    public JObject Options { get; }

    /// <summary>False for a declaration without an options dict (<c>("IMAGE",)</c>), shown as <c>[type]</c>.</summary>
    public bool HasOptions { get; }

    /// <summary>True for a legacy combo (type is a list) or a <c>"COMBO"</c> input.</summary>
    public bool IsCombo => Type is JArray || TypeName == "COMBO";

    /// <summary>The allowed combo values: the type list, or <c>options.options</c> for "COMBO" (empty list when absent).</summary>
    public JValue ComboValues => Type is JArray list ? list : (Options["options"] ?? JArray.Empty);

    /// <summary>ComfyUI's <c>input_config</c> as reported in validation errors: <c>[type, options]</c>, or <c>[type]</c>.</summary>
    public JArray ToConfigJson() => HasOptions ? JArray.Of(Type, Options) : JArray.Of(Type);

    public override string ToString() => $"{Name}: {Type.ToJsonString()}";
}
