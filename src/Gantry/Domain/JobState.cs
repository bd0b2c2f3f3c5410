namespace Gantry.Domain;

/// <summary>
/// Gantry's one internal job state. Every surface projects it onto its own vocabulary
/// (see <c>Jobs/JobStatusVocabulary</c>); nothing else decides what a job's status is.
/// </summary>
public enum JobState
{
    /// <summary>Accepted and durable; waiting for the scheduler.</summary>
    Queued = 0,

    /// <summary>Handed to a worker, which has not started it yet.</summary>
    Dispatched = 1,

    /// <summary>The worker reported <c>execution_start</c>.</summary>
    Running = 2,

    /// <summary>A cancel was asked for while the job was on a worker; waiting for the worker to stop it.</summary>
    Cancelling = 3,

    /// <summary>Finished with <c>execution_success</c>.</summary>
    Succeeded = 4,

    /// <summary>Finished with an error (node error, timeout, worker lost too often).</summary>
    Failed = 5,

    /// <summary>Cancelled or interrupted.</summary>
    Cancelled = 6,
}
