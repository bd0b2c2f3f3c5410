namespace Gantry.Engine.Catalog;

/// <summary>
/// A node's custom input validation (ComfyUI's <c>VALIDATE_INPUTS</c> / V3 <c>validate_inputs</c>).
/// Inputs named here skip the min/max/combo checks (LoadImage's <c>image</c> is checked for
/// existence, not against its list); <see cref="TakesInputTypes"/> skips link type checks.
/// <see cref="Validate"/> may be null: then only the skipping applies (external catalogs, whose
/// workers check these inputs themselves).
/// </summary>
public sealed class CustomInputValidation
{
    public CustomInputValidation(
        IReadOnlyList<string> inputNames,
        Func<string, NodeInputs, ValidationVerdict>? validate,
        bool takesAllInputs = false,
        bool takesInputTypes = false)
    {
        ArgumentNullException.ThrowIfNull(inputNames);
        InputNames = inputNames;
        Validate = validate;
        TakesAllInputs = takesAllInputs;
        TakesInputTypes = takesInputTypes;
    }

    /// <summary>The inputs the validation function takes (its parameter names).</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>Like a Python <c>**kwargs</c> parameter: every input is passed, and none gets the min/max/combo checks.</summary>
    public bool TakesAllInputs { get; }

    /// <summary>Takes <c>input_types</c> (received link types); link type checks are then skipped.</summary>
    public bool TakesInputTypes { get; }

    /// <summary>The check itself, given the node id and the literal values (links are null) of the taken inputs.</summary>
    public Func<string, NodeInputs, ValidationVerdict>? Validate { get; }

    /// <summary>Whether the built-in min/max/combo checks are skipped for <paramref name="inputName"/>.</summary>
    public bool Covers(string inputName) => TakesAllInputs || InputNames.Contains(inputName, StringComparer.Ordinal);
}
