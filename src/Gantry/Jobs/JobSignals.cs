using Gantry.Domain;

namespace Gantry.Jobs;

/// <summary>
/// In-process notifications about jobs, raised after the store has committed the change.
/// The scheduler listens for new and cancelled jobs; the event hub for every change.
/// Handlers run on the caller's thread and must only hand work off (enqueue, signal), never block.
/// </summary>
public sealed class JobSignals
{
    /// <summary>A job was accepted (state queued) or put back in the queue.</summary>
    public event Action<JobRecord>? Queued;

    /// <summary>A job on a worker must be stopped there (state cancelling).</summary>
    public event Action<JobRecord>? CancelRequested;

    /// <summary>Any committed state change, including the two above.</summary>
    public event Action<JobRecord>? Changed;

    /// <summary>
    /// A change another instance committed (PostgreSQL with several instances), as its notice says it: for what
    /// follows users' jobs (event streams, queue counts), not for what acts on them (the scheduler, webhooks), which the
    /// instance that made the change already did.
    /// </summary>
    public event Action<JobChange>? ChangedElsewhere;

    public void RaiseQueued(JobRecord job)
    {
        Queued?.Invoke(job);
        Changed?.Invoke(job);
    }

    public void RaiseCancelRequested(JobRecord job)
    {
        CancelRequested?.Invoke(job);
        Changed?.Invoke(job);
    }

    public void RaiseChanged(JobRecord job) => Changed?.Invoke(job);

    public void RaiseChangedElsewhere(JobChange change) => ChangedElsewhere?.Invoke(change);
}
