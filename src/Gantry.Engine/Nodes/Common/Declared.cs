using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Common;

/// <summary>
/// Shorthands for inputs written out literally as ComfyUI declares them (<see cref="Input.Literal"/>):
/// V1 <c>INPUT_TYPES</c> tuples and V3 inputs with the <c>advanced</c> flag, options in source order.
/// </summary>
internal static class Declared
{
    /// <summary>A V1 link input without options: <c>("IMAGE",)</c>, shown as <c>["IMAGE"]</c>.</summary>
    public static InputDefinition Bare(string name, string type) => Input.Literal(name, new JString(type));

    /// <summary>A V1 combo without options: <c>(["a", "b"],)</c>, shown as <c>[["a", "b"]]</c>.</summary>
    public static InputDefinition BareCombo(string name, IEnumerable<string> values) => Input.Literal(name, JArray.OfStrings(values));

    /// <summary>An input of <paramref name="type"/> with exactly these options, in this order.</summary>
    public static InputDefinition With(string name, string type, params (string Key, JValue Value)[] options) =>
        Input.Literal(name, new JString(type), Options(options));

    /// <summary>The options object of the given entries, in order.</summary>
    public static JObject Options(params (string Key, JValue Value)[] options) =>
        new(options.Select(o => new KeyValuePair<string, JValue>(o.Key, o.Value)));
}
