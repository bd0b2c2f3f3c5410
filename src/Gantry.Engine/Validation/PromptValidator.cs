using Gantry.Engine.Catalog;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>
/// ComfyUI's <c>validate_prompt</c>: checks a prompt against node data (<see cref="INodeInfoSource"/>),
/// with ComfyUI's error types and messages, coercing widget values on the way. Works on data only,
/// so the same code validates graphs for the built-in engine and for ComfyUI workers. Thread-safe.
/// </summary>
public static class PromptValidator
{
    /// <summary>The default most nodes one prompt may have (<see cref="ComfyEngineOptions.MaxNodesPerPrompt"/>).</summary>
    public const int DefaultMaxNodes = 5_000;

    /// <summary>Validates parsed JSON; a non-object gives an <c>invalid_prompt</c> error, never an exception.</summary>
    public static ValidationResult Validate(JValue prompt, INodeInfoSource nodes, IReadOnlyCollection<string>? partialExecutionTargets = null, int maxNodes = DefaultMaxNodes)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return Graph.Prompt.TryCreate(prompt, out var parsed)
            ? Validate(parsed, nodes, partialExecutionTargets, maxNodes)
            : new ValidationResult(ValidationErrors.InvalidPrompt("Prompt must be a JSON object", $"Got {PyFormat.TypeName(prompt)}"), [], [], null);
    }

    /// <summary>
    /// Validates <paramref name="prompt"/>. <paramref name="partialExecutionTargets"/> (ComfyUI's
    /// <c>partial_execution_targets</c>) limits the output nodes considered; null means all. A prompt of more than
    /// <paramref name="maxNodes"/> nodes is refused with <c>prompt_too_large</c> before anything else is checked.
    /// </summary>
    public static ValidationResult Validate(Prompt prompt, INodeInfoSource nodes, IReadOnlyCollection<string>? partialExecutionTargets = null, int maxNodes = DefaultMaxNodes)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(nodes);
        if (prompt.Count > maxNodes)
        {
            return Rejected(ValidationErrors.TooManyNodes(prompt.Count, maxNodes), prompt);
        }

        var outputs = new List<string>();
        foreach (var node in prompt.Nodes)
        {
            if (!node.IsObject || node.ClassTypeValue is null)
            {
                return Rejected(ValidationErrors.MissingClassType(node), prompt);
            }

            var info = node.ClassType is { } classType ? nodes.Find(classType) : null;
            if (info is null)
            {
                return Rejected(ValidationErrors.UnknownClassType(node), prompt);
            }

            if (info.OutputNode && (partialExecutionTargets is null || partialExecutionTargets.Contains(node.Id)))
            {
                outputs.Add(node.Id);
            }
        }

        if (outputs.Count == 0)
        {
            return Rejected(ValidationErrors.NoOutputs(), prompt);
        }

        return ValidateOutputs(prompt, nodes, outputs);
    }

    private static ValidationResult ValidateOutputs(Prompt prompt, INodeInfoSource nodes, List<string> outputs)
    {
        var run = new NodeValidationRun(prompt, nodes);
        var good = new List<string>();
        var failed = new List<(string Output, IReadOnlyList<PromptError> Reasons)>();
        var nodeErrors = new List<KeyValuePair<string, (List<PromptError> Errors, List<string> Dependents, string ClassType)>>();
        var nodeErrorAt = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var output in outputs)
        {
            bool valid;
            IReadOnlyList<PromptError> reasons;
            try
            {
                var result = run.Validate(output);
                valid = result.Valid;
                reasons = result.Errors;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                valid = false;
                reasons = [ValidationErrors.ValidationException(ex)];
                run.Record(output, false, [.. reasons]);
            }

            if (valid)
            {
                good.Add(output);
                continue;
            }

            failed.Add((output, reasons));
            foreach (var (nodeId, result) in run.FailedAncestry(output))
            {
                if (!nodeErrorAt.TryGetValue(nodeId, out var at))
                {
                    nodeErrors.Add(new(nodeId, ([.. result.Errors], [], prompt.Find(nodeId)?.ClassType ?? string.Empty)));
                    at = nodeErrors.Count - 1;
                    nodeErrorAt[nodeId] = at;
                }

                nodeErrors[at].Value.Dependents.Add(output);
            }
        }

        var entries = nodeErrors
            .Select(e => new KeyValuePair<string, NodeErrorEntry>(e.Key, new NodeErrorEntry(e.Value.Errors, e.Value.Dependents, e.Value.ClassType)))
            .ToList();
        var coerced = run.CoercedPrompt();
        if (good.Count == 0)
        {
            var details = string.Join("\n", failed.SelectMany(f => f.Reasons).Select(r => $"{r.Message}: {r.Details}"));
            return new ValidationResult(ValidationErrors.OutputsFailed(details), [], entries, coerced);
        }

        return new ValidationResult(null, good, entries, coerced);
    }

    private static ValidationResult Rejected(PromptError error, Prompt prompt) => new(error, [], [], prompt);
}
