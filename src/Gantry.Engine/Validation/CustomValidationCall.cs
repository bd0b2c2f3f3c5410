using Gantry.Engine.Catalog;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>A node's own input validation (<c>VALIDATE_INPUTS</c>), called the way ComfyUI calls it.</summary>
internal static class CustomValidationCall
{
    // VALIDATE_INPUTS: called with the literal values (links are None) of the inputs it takes.
    public static void Run(
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
