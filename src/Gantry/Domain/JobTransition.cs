namespace Gantry.Domain;

/// <summary>
/// A compare-and-set on one job: move it to <see cref="To"/> if its current state is one of
/// <see cref="JobStateMachine.SourcesOf"/>(To) (narrowed by <see cref="OnlyFrom"/> when given),
/// and set the fields that are not null. Nothing is written when the state does not match.
/// </summary>
public sealed record JobTransition
{
    public required Guid JobId { get; init; }

    public required JobState To { get; init; }

    /// <summary>Restricts the allowed current states further (e.g. cancel a job only while still queued).</summary>
    public IReadOnlyList<JobState>? OnlyFrom { get; init; }

    /// <summary>Only if the job is (still) on this worker; guards against a stale report from a worker that lost the job.</summary>
    public string? OnlyOnWorker { get; init; }

    public required long AtMs { get; init; }

    /// <summary>Sets <see cref="JobRecord.Worker"/>.</summary>
    public string? Worker { get; init; }

    /// <summary>Adds one to <see cref="JobRecord.Attempts"/> (on dispatch).</summary>
    public bool CountAttempt { get; init; }

    public long? ExecutionStartMs { get; init; }

    public long? ExecutionEndMs { get; init; }

    public string? ErrorMessage { get; init; }

    public byte[]? ExecutionErrorJson { get; init; }

    /// <summary>Summary fields of a terminal job.</summary>
    public int? OutputsCount { get; init; }

    public byte[]? PreviewOutputJson { get; init; }

    public OutputMediaTypes? OutputTypes { get; init; }

    /// <summary>Results stored alongside a terminal move.</summary>
    public JobResult? Result { get; init; }

    /// <summary>Clears the worker and execution times: used when a job goes back to the queue.</summary>
    public bool ResetExecution { get; init; }

    /// <summary>
    /// Only while this is still the dispatcher's leadership epoch (fencing): set on every move the dispatcher decides, so
    /// an old leader that lost its term cannot overwrite the new leader's decisions. Null: not fenced (API-side moves).
    /// </summary>
    public long? Epoch { get; init; }
}
