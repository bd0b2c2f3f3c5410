using Gantry.Engine.FileSystem;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>One prompt to execute: ComfyUI's queue item <c>(number, prompt_id, prompt, extra_data, outputs_to_execute)</c>.</summary>
public sealed class ExecutionRequest
{
    /// <summary>The validated (coerced) prompt: <see cref="Validation.ValidationResult.Prompt"/>, or the stored one.</summary>
    public required Prompt Prompt { get; init; }

    public required string PromptId { get; init; }

    /// <summary>The output nodes to run: <see cref="Validation.ValidationResult.Outputs"/>.</summary>
    public required IReadOnlyList<string> OutputsToExecute { get; init; }

    /// <summary>ComfyUI's extra_data (extra_pnginfo feeds EXTRA_PNGINFO); secrets need not be included.</summary>
    public JObject ExtraData { get; init; } = JObject.Empty;

    /// <summary>The folders for this run; the engine's own when null.</summary>
    public EngineFolders? Folders { get; init; }

    /// <summary>
    /// Results reused between prompts (owned by the caller, shareable between concurrent runs).
    /// Null: nothing is reused and <c>execution_cached</c> lists no nodes.
    /// </summary>
    public NodeResultCache? Cache { get; init; }

    /// <summary>
    /// Who the cached results belong to (a user): a run only reuses results stored under the same scope, so a
    /// shared cache tells no one what others ran. Null: the unscoped part of the cache (a single-user engine).
    /// </summary>
    public string? CacheScope { get; init; }
}
