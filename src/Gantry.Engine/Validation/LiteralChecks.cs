using Gantry.Engine.Catalog;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>
/// The checks of one literal (non-link) input value, as ComfyUI's <c>validate_inputs</c> makes them: coercion to the
/// declared type, then min, max and combo membership.
/// </summary>
internal static class LiteralChecks
{
    // Unwraps {"__value__": ...} and converts INT/FLOAT/STRING/BOOLEAN like Python's int()/float()/str()/bool().
    // Returns the coerced value, or null after recording invalid_input_type.
    public static JValue? Coerce(InputSpec input, List<KeyValuePair<string, JValue>> inputs, int at, List<PromptError> errors)
    {
        var value = inputs[at].Value;
        try
        {
            if (value is JObject wrapper && wrapper.TryGetValue("__value__", out var unwrapped))
            {
                value = unwrapped;
                inputs[at] = new(input.Name, value);
            }

            JValue? converted = input.TypeName switch
            {
                "INT" => PyOps.ToInt(value),
                "FLOAT" => PyOps.ToFloat(value),
                "STRING" => PyOps.ToStr(value),
                "BOOLEAN" => JValue.From(PyOps.Truthy(value)),
                _ => null,
            };
            if (converted is not null)
            {
                value = converted;
                inputs[at] = new(input.Name, value);
            }

            return value;
        }
        catch (NodeException ex)
        {
            errors.Add(ValidationErrors.InvalidInputType(input, value, ex));
            return null;
        }
    }

    // min / max / combo membership. Comparison errors (e.g. str < int) escape as TypeError, as in ComfyUI.
    public static void Check(InputSpec input, JValue value, List<PromptError> errors)
    {
        if (input.Options["min"] is { } min && PyOps.LessThan(value, min))
        {
            errors.Add(ValidationErrors.SmallerThanMin(input, value, min));
            return;
        }

        if (input.Options["max"] is { } max && PyOps.GreaterThan(value, max))
        {
            errors.Add(ValidationErrors.BiggerThanMax(input, value, max));
            return;
        }

        if (!input.IsCombo)
        {
            return;
        }

        var options = input.ComboValues;
        var multiselect = input.Options["multiselect"] is { } flag && PyOps.Truthy(flag);
        IReadOnlyList<JValue> invalid = multiselect && value is JArray selected
            ? [.. selected.Where(v => !PyOps.Contains(options, v))]
            : PyOps.Contains(options, value) ? [] : [value];
        if (invalid.Count > 0)
        {
            errors.Add(ValidationErrors.NotInList(input, value, invalid, options, Length(options)));
        }
    }

    private static int Length(JValue value) => value switch
    {
        JArray a => a.Count,
        JObject o => o.Count,
        JString s => s.Value.Length,
        _ => throw NodeException.TypeError($"object of type '{PyFormat.TypeName(value)}' has no len()"),
    };
}
