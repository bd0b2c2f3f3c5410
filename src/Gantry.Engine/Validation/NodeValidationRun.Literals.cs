using Gantry.Engine.Catalog;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

internal sealed partial class NodeValidationRun
{
    // Unwraps {"__value__": ...} and converts INT/FLOAT/STRING/BOOLEAN like Python's int()/float()/str()/bool().
    // Returns the coerced value, or null after recording invalid_input_type.
    private static JValue? CoerceLiteral(InputSpec input, List<KeyValuePair<string, JValue>> inputs, int at, List<PromptError> errors)
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
    private static void CheckLiteral(InputSpec input, JValue value, List<PromptError> errors)
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

    // VALIDATE_INPUTS: called with the literal values (links are None) of the inputs it takes.
    private void RunCustomValidation(
        string nodeId,
        NodeInfo info,
        List<KeyValuePair<string, JValue>> inputs,
        List<KeyValuePair<string, JValue>> receivedTypes,
        List<PromptError> errors)
    {
        var custom = info.CustomValidation;
        if (custom?.Validate is null || (custom.InputNames.Count == 0 && !custom.TakesAllInputs && !custom.TakesInputTypes))
        {
            return;
        }

        var taken = ConstantInputs.Build(nodeId, info, inputs);
        var filtered = taken.Where(t => custom.TakesAllInputs || custom.InputNames.Contains(t.Key, StringComparer.Ordinal)).ToList();
        if (custom.TakesInputTypes)
        {
            filtered.Add(new("input_types", [new JObject(receivedTypes)]));
        }

        var verdict = custom.Validate(nodeId, ConstantInputs.ToInputs(filtered));
        if (verdict.IsValid)
        {
            return;
        }

        foreach (var (name, _) in filtered)
        {
            errors.Add(ValidationErrors.CustomValidationFailed(name, verdict.Message));
        }
    }
}

/// <summary>ComfyUI's <c>validate_node_input</c>: when a linked output type fits an input type.</summary>
internal static class IoTypes
{
    /// <summary>V3 MatchType inputs/outputs accept anything (the frontend checks them).</summary>
    private const string MatchType = "COMFY_MATCHTYPE_V3";

    /// <summary>
    /// Equal types match; "*" (ComfyUI's AnyType) and MatchType match anything; otherwise both are split
    /// on ',' and match when the sets intersect.
    /// </summary>
    public static bool Match(JValue received, JValue input)
    {
        if (received.Equals(input))
        {
            return true;
        }

        var r = received.AsString;
        var i = input.AsString;
        if (r is "*" or MatchType || i is "*" or MatchType)
        {
            return true;
        }

        if (r is null || i is null)
        {
            return false;
        }

        var receivedSet = r.Split(',').Select(t => t.Trim()).ToHashSet(StringComparer.Ordinal);
        return i.Split(',').Select(t => t.Trim()).Any(receivedSet.Contains);
    }
}
