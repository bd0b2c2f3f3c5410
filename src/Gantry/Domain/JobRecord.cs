namespace Gantry.Domain;

/// <summary>
/// One job as the store keeps it, without its payload (the workflow) or its results:
/// everything a list, a status poll or the scheduler needs, and nothing heavy.
/// Times are Unix milliseconds.
/// </summary>
public sealed record JobRecord
{
    public required Guid Id { get; init; }

    public required long UserId { get; init; }

    /// <summary>Insertion order, unique and increasing across the store; FIFO order and tie-breaker of every sort.</summary>
    public required long Sequence { get; init; }

    public required JobState State { get; init; }

    public required long CreatedAtMs { get; init; }

    /// <summary>Last change of any field.</summary>
    public required long UpdatedAtMs { get; init; }

    /// <summary>Last change of <see cref="State"/>.</summary>
    public required long StateChangedAtMs { get; init; }

    /// <summary><c>extra_data.extra_pnginfo.workflow.id</c> of the submitted request, if any.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The <c>client_id</c> the submitter gave (OSS event routing), if any.</summary>
    public string? ClientId { get; init; }

    /// <summary>The <c>number</c> the client sent; accepted and ignored for ordering.</summary>
    public double? Number { get; init; }

    /// <summary>The worker that has (or last had) the job: <c>assigned_inference</c>.</summary>
    public string? Worker { get; init; }

    /// <summary>How many times the job was handed to a worker.</summary>
    public int Attempts { get; init; }

    /// <summary>When the job was last handed to a worker (the move to <see cref="JobState.Dispatched"/>); null while queued.</summary>
    public long? DispatchedAtMs { get; init; }

    public long? ExecutionStartMs { get; init; }

    public long? ExecutionEndMs { get; init; }

    /// <summary>End minus start once both are known, else 0; what <c>sort_by=execution_time</c> orders by.</summary>
    public long ExecutionDurationMs { get; init; }

    /// <summary>A one-line reason for a failure or cancel, shown as <c>error_message</c>.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The structured <c>ExecutionError</c> object (raw UTF-8 JSON) of a failed job, if the worker gave one.</summary>
    public byte[]? ExecutionErrorJson { get; init; }

    /// <summary>Number of output items, once terminal.</summary>
    public int? OutputsCount { get; init; }

    /// <summary>The <c>preview_output</c> object (raw UTF-8 JSON), once terminal and if any.</summary>
    public byte[]? PreviewOutputJson { get; init; }

    /// <summary>Which media the outputs hold; what <c>output_type=</c> filters on.</summary>
    public OutputMediaTypes OutputTypes { get; init; }
}

/// <summary>The media kinds a job's outputs contain (the <c>output_type</c> filter of <c>/api/jobs</c>).</summary>
[Flags]
public enum OutputMediaTypes
{
    None = 0,
    Image = 1,
    Video = 2,
    Audio = 4,
}
