using System.Numerics;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;

namespace Gantry.Engine.NodeModel;

/// <summary>
/// Factories for node inputs, producing the option objects ComfyUI shows in <c>/object_info</c>
/// (keys whose argument is null are left out, as ComfyUI's prune_dict does).
/// </summary>
public static class Input
{
    public static InputDefinition Image(string name, string? tooltip = null) => Of(name, "IMAGE", tooltip);

    public static InputDefinition Mask(string name, string? tooltip = null) => Of(name, "MASK", tooltip);

    /// <summary>An input of a link-only type without widget options: IMAGE, MASK, LATENT, "*", ...</summary>
    public static InputDefinition Of(string name, string type, string? tooltip = null) =>
        new(name, new JString(type), Options(tooltip).Build());

    /// <summary>INT widget. min/max take BigInteger so seeds can reach 2^64−1.</summary>
    public static InputDefinition Int(
        string name,
        BigInteger? @default = null,
        BigInteger? min = null,
        BigInteger? max = null,
        BigInteger? step = null,
        bool? controlAfterGenerate = null,
        string? display = null,
        string? tooltip = null,
        bool? forceInput = null)
    {
        var options = Options(tooltip)
            .AddIfNotNull("default", Number(@default))
            .AddIfNotNull("forceInput", Flag(forceInput))
            .AddIfNotNull("min", Number(min))
            .AddIfNotNull("max", Number(max))
            .AddIfNotNull("step", Number(step))
            .AddIfNotNull("control_after_generate", Flag(controlAfterGenerate))
            .AddIfNotNull("display", JValueOrNull(display));
        return new InputDefinition(name, new JString("INT"), options.Build());
    }

    /// <summary>FLOAT widget.</summary>
    public static InputDefinition Float(
        string name,
        double? @default = null,
        double? min = null,
        double? max = null,
        double? step = null,
        double? round = null,
        string? display = null,
        string? tooltip = null,
        bool? forceInput = null)
    {
        var options = Options(tooltip)
            .AddIfNotNull("default", Number(@default))
            .AddIfNotNull("forceInput", Flag(forceInput))
            .AddIfNotNull("min", Number(min))
            .AddIfNotNull("max", Number(max))
            .AddIfNotNull("step", Number(step))
            .AddIfNotNull("round", Number(round))
            .AddIfNotNull("display", JValueOrNull(display));
        return new InputDefinition(name, new JString("FLOAT"), options.Build());
    }

    /// <summary>STRING widget. Leave <paramref name="multiline"/> null to omit the key (V1 nodes), set it for V3 nodes.</summary>
    public static InputDefinition String(
        string name,
        string? @default = null,
        bool? multiline = null,
        string? placeholder = null,
        bool? dynamicPrompts = null,
        string? tooltip = null,
        bool? forceInput = null)
    {
        var options = Options(tooltip)
            .AddIfNotNull("default", JValueOrNull(@default))
            .AddIfNotNull("forceInput", Flag(forceInput))
            .AddIfNotNull("multiline", Flag(multiline))
            .AddIfNotNull("placeholder", JValueOrNull(placeholder))
            .AddIfNotNull("dynamicPrompts", Flag(dynamicPrompts));
        return new InputDefinition(name, new JString("STRING"), options.Build());
    }

    /// <summary>BOOLEAN widget.</summary>
    public static InputDefinition Boolean(
        string name,
        bool? @default = null,
        string? labelOn = null,
        string? labelOff = null,
        string? tooltip = null,
        bool? forceInput = null)
    {
        var options = Options(tooltip)
            .AddIfNotNull("default", Flag(@default))
            .AddIfNotNull("forceInput", Flag(forceInput))
            .AddIfNotNull("label_on", JValueOrNull(labelOn))
            .AddIfNotNull("label_off", JValueOrNull(labelOff));
        return new InputDefinition(name, new JString("BOOLEAN"), options.Build());
    }

    /// <summary>A V3 combo: <c>["COMBO", {"multiselect": false, "options": [...]}]</c>.</summary>
    public static InputDefinition Combo(string name, IEnumerable<string> options, string? @default = null, string? tooltip = null) =>
        new(name, new JString("COMBO"), ComboOptions(tooltip, @default).Add("multiselect", false).Add("options", JArray.OfStrings(options)).Build())
        {
            Combo = ComboStyle.Modern,
        };

    /// <summary>A V1 combo: the type is the value list (<c>[["a", "b"], {...}]</c>), as core nodes.py declares them.</summary>
    public static InputDefinition LegacyCombo(string name, IEnumerable<string> options, string? @default = null, string? tooltip = null) =>
        new(name, JArray.OfStrings(options), ComboOptions(tooltip, @default).Build()) { Combo = ComboStyle.Legacy };

    /// <summary>
    /// A V1 combo whose values are computed whenever the catalog is described, e.g. the files of the
    /// input folder for LoadImage (<paramref name="imageUpload"/> adds <c>"image_upload": true</c>).
    /// </summary>
    public static InputDefinition LegacyCombo(
        string name,
        Func<EngineFolders, IReadOnlyList<string>> source,
        bool imageUpload = false,
        string? tooltip = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var options = ComboOptions(tooltip, null).AddIfNotNull("image_upload", imageUpload ? JBool.True : null);
        return new InputDefinition(name, JArray.Empty, options.Build()) { Combo = ComboStyle.Legacy, ComboSource = source };
    }

    /// <summary>
    /// An input written out as ComfyUI declares it, for options the factories above do not order the same
    /// way: a V1 <c>INPUT_TYPES</c> entry (dict keys in source order) or a V3 input with flags such as
    /// <c>advanced</c>. A null <paramref name="options"/> is the one-element V1 tuple <c>("IMAGE",)</c>,
    /// shown as <c>["IMAGE"]</c>. A JSON array <paramref name="type"/> is a V1 combo's value list.
    /// </summary>
    public static InputDefinition Literal(string name, JValue type, JObject? options = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new InputDefinition(name, type, options ?? JObject.Empty)
        {
            HasOptions = options is not null,
            Combo = type is JArray ? ComboStyle.Legacy : type.AsString == "COMBO" ? ComboStyle.Modern : ComboStyle.None,
        };
    }

    private static JObjectBuilder Options(string? tooltip) => new JObjectBuilder().AddIfNotNull("tooltip", JValueOrNull(tooltip));

    private static JObjectBuilder ComboOptions(string? tooltip, string? @default) =>
        Options(tooltip).AddIfNotNull("default", JValueOrNull(@default));

    private static JValue? Number(BigInteger? value) => value is { } v ? new JInt(v) : null;

    private static JValue? Number(double? value) => value is { } v ? new JFloat(v) : null;

    private static JValue? Flag(bool? value) => value is { } v ? JValue.From(v) : null;

    private static JValue? JValueOrNull(string? value) => value is null ? null : new JString(value);
}
