namespace Gantry.Workers;

/// <summary>A job as a worker receives it: the client's graph and extra data, as submitted.</summary>
public sealed record WorkerJob
{
    /// <summary>Also the <c>prompt_id</c> the worker is given, so its events and history match our job.</summary>
    public required Guid JobId { get; init; }

    public required long UserId { get; init; }

    /// <summary>The API-format graph, raw UTF-8 JSON as the client sent it.</summary>
    public required byte[] PromptJson { get; init; }

    /// <summary>The client's <c>extra_data</c> (secrets included: a worker may need them for partner nodes).</summary>
    public byte[]? ExtraDataJson { get; init; }

    /// <summary>Validated output nodes; empty when Gantry had no catalog to validate against (the worker decides).</summary>
    public required IReadOnlyList<string> OutputsToExecute { get; init; }

    /// <summary>The folder holding this user's uploads (what LoadImage reads); a ComfyUI worker uploads what the graph names from it.</summary>
    public required string InputDirectory { get; init; }
}
