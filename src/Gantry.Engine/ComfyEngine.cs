using Gantry.Engine.Catalog;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;
using Gantry.Engine.Tensors;
using Gantry.Engine.Validation;

namespace Gantry.Engine;

/// <summary>Settings of a <see cref="ComfyEngine"/>.</summary>
public sealed class ComfyEngineOptions
{
    /// <summary>Clock for event timestamps and progress throttling.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>ComfyUI throttles progress updates to one per 100 ms per node; zero sends every update.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most nodes one prompt may have; more is refused at validation (<c>prompt_too_large</c>).</summary>
    public int MaxNodesPerPrompt { get; init; } = PromptValidator.DefaultMaxNodes;

    /// <summary>What one run may allocate for images and masks (<see cref="JobMemoryLimits"/>).</summary>
    public JobMemoryLimits MemoryLimits { get; init; } = JobMemoryLimits.Default;
}

/// <summary>
/// Runs ComfyUI API-format prompts in process: <see cref="Validate(ReadOnlySpan{byte}, IReadOnlyCollection{string}?)"/>
/// as ComfyUI's <c>POST /prompt</c> does, then <see cref="ExecuteAsync"/> as its prompt worker does.
/// Stateless apart from its catalog and folders: safe to use from many threads, for many prompts at
/// once. Results reused between prompts live in a caller-owned <see cref="NodeResultCache"/>.
/// </summary>
public sealed class ComfyEngine
{
    private readonly ComfyEngineOptions _options;

    public ComfyEngine(NodeCatalog catalog, EngineFolders folders, ComfyEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(folders);
        Catalog = catalog;
        Folders = folders;
        _options = options ?? new ComfyEngineOptions();
    }

    /// <summary>The engine with the built-in node pack.</summary>
    public static ComfyEngine CreateDefault(EngineFolders folders, ComfyEngineOptions? options = null) =>
        new(NodeCatalog.CreateDefault(), folders, options);

    public NodeCatalog Catalog { get; }

    /// <summary>The default folders (a request may bring its own).</summary>
    public EngineFolders Folders { get; }

    /// <summary>The node classes as data (file combos listed now): merge with workers' catalogs, or serve as <c>/object_info</c>.</summary>
    public NodeInfoSet DescribeNodes() => Catalog.DescribeAll(Folders);

    /// <summary>
    /// Validates prompt JSON (the value of the body's <c>prompt</c> member). Malformed JSON or a
    /// non-object gives an <c>invalid_prompt</c> error (ComfyUI itself would answer 500); never throws.
    /// </summary>
    public ValidationResult Validate(ReadOnlySpan<byte> promptJson, IReadOnlyCollection<string>? partialExecutionTargets = null)
    {
        if (!JParser.TryParse(promptJson, out var prompt, out var error))
        {
            return new ValidationResult(ValidationErrors.InvalidPrompt("Prompt is not valid JSON", error), [], [], null);
        }

        return Validate(prompt, partialExecutionTargets);
    }

    /// <summary>Validates an already parsed prompt against this engine's nodes.</summary>
    public ValidationResult Validate(JValue prompt, IReadOnlyCollection<string>? partialExecutionTargets = null) =>
        PromptValidator.Validate(prompt, Catalog.AsSource(Folders), partialExecutionTargets, _options.MaxNodesPerPrompt);

    /// <summary>Validates against this engine's nodes as seen from <paramref name="folders"/> (a user's inputs).</summary>
    public ValidationResult Validate(JValue prompt, EngineFolders folders, IReadOnlyCollection<string>? partialExecutionTargets = null) =>
        PromptValidator.Validate(prompt, Catalog.AsSource(folders), partialExecutionTargets, _options.MaxNodesPerPrompt);

    /// <summary>
    /// Executes a validated prompt on the thread pool. Events go to <paramref name="sink"/> in ComfyUI's
    /// order, from execution_start to the terminal execution_success / execution_error /
    /// execution_interrupted; the final <c>executing {node: null}</c> is the host's to send after it
    /// stores the history (<see cref="ExecutionResult.CompletionEvent"/>). Cancelling
    /// <paramref name="cancellationToken"/> interrupts the run at the next node or progress report;
    /// the task then completes normally with <see cref="ExecutionOutcome.Interrupted"/>.
    /// Throws <see cref="ArgumentException"/> when an output id is not in the prompt.
    /// </summary>
    public Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, IExecutionEventSink? sink = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var missing = request.OutputsToExecute.FirstOrDefault(o => !request.Prompt.Contains(o));
        if (missing is not null)
        {
            throw new ArgumentException($"Output node '{missing}' is not in the prompt.", nameof(request));
        }

        var run = new GraphRun(
            request,
            Catalog,
            request.Folders ?? Folders,
            sink ?? NullEventSink.Instance,
            _options.TimeProvider,
            _options.ProgressInterval,
            _options.MemoryLimits,
            cancellationToken);
        return Task.Run(run.Run, CancellationToken.None);
    }
}
