namespace Gantry.Domain;

/// <summary>
/// What the client submitted, kept byte for byte: the <c>prompt</c> object and the <c>extra_data</c> object
/// exactly as they appeared in the request body (raw UTF-8 JSON), never re-serialised.
/// </summary>
public sealed record JobPayload
{
    /// <summary>The API-format graph, as sent.</summary>
    public required byte[] PromptJson { get; init; }

    /// <summary>The <c>extra_data</c> object as sent, or null when the request had none.</summary>
    public byte[]? ExtraDataJson { get; init; }

    /// <summary>The output node ids the job executes (validated output nodes, after <c>partial_execution_targets</c>).</summary>
    public required IReadOnlyList<string> OutputsToExecute { get; init; }

    /// <summary>
    /// What a worker needs to run the graph, computed once at submit and stored with it; null when not read with the
    /// payload (the read views) or for a job stored before requirements were kept.
    /// </summary>
    public JobRequirements? Requirements { get; init; }
}

/// <summary>What a finished job produced, stored once when it reaches a terminal state.</summary>
public sealed record JobResult
{
    /// <summary>The ComfyUI <c>outputs</c> map <c>{node_id: {images: [...], ...}}</c> (raw UTF-8 JSON).</summary>
    public byte[]? OutputsJson { get; init; }

    /// <summary>The ComfyUI history <c>status</c> object <c>{status_str, completed, messages}</c> (raw UTF-8 JSON).</summary>
    public byte[]? StatusJson { get; init; }

    /// <summary>The ComfyUI history <c>meta</c> object (raw UTF-8 JSON).</summary>
    public byte[]? MetaJson { get; init; }
}

/// <summary>A job with everything the detail views need.</summary>
public sealed record JobDetail(JobRecord Job, JobPayload Payload, JobResult? Result);
