using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Catalog;

/// <summary>
/// ComfyUI's <c>get_input_data</c> without an execution list, as used for VALIDATE_INPUTS and
/// IS_CHANGED: literal values of declared inputs, None for links, and the hidden values
/// (PROMPT is an empty dict, EXTRA_PNGINFO None, UNIQUE_ID the node id).
/// </summary>
internal static class ConstantInputs
{
    public static List<KeyValuePair<string, IReadOnlyList<object?>>> Build(string nodeId, NodeInfo info, IEnumerable<KeyValuePair<string, JValue>> inputs)
    {
        var values = new List<KeyValuePair<string, IReadOnlyList<object?>>>();
        foreach (var (name, value) in inputs)
        {
            if (PromptLink.TryParse(value, out _))
            {
                values.Add(new(name, [null]));
            }
            else if (info.FindInput(name) is not null || info.Hidden.Any(h => h.Name == name))
            {
                values.Add(new(name, [ValueConversion.FromLiteral(value)]));
            }
        }

        foreach (var hidden in info.Hidden)
        {
            object? hiddenValue = hidden.Kind switch
            {
                HiddenKinds.Prompt => JObject.Empty,
                HiddenKinds.UniqueId => nodeId,
                _ => null,
            };
            var at = values.FindIndex(v => v.Key == hidden.Name);
            if (at >= 0)
            {
                values[at] = new(hidden.Name, [hiddenValue]);
            }
            else
            {
                values.Add(new(hidden.Name, [hiddenValue]));
            }
        }

        return values;
    }

    public static NodeInputs ToInputs(IEnumerable<KeyValuePair<string, IReadOnlyList<object?>>> values) =>
        new(values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), 0);
}
