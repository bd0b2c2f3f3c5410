namespace Gantry.Workers;

/// <summary>
/// What a worker reports; implemented by the dispatcher. Calls for one job arrive in order.
/// The synchronous ones must return quickly (they hand work off).
/// </summary>
public interface IWorkerCallbacks
{
    /// <summary>State, catalog or model lists changed (online, offline, draining, re-probed).</summary>
    void OnWorkerChanged(IWorker worker);

    /// <summary>The worker began executing the job (<c>execution_start</c>).</summary>
    void OnJobStarted(IWorker worker, Guid jobId, long atMs);

    /// <summary>A message for the job owner's sockets (progress, executing, executed, previews, …).</summary>
    void OnJobMessage(IWorker worker, Guid jobId, WorkerMessage message);

    /// <summary>The job ended on the worker. The dispatcher records it; the worker's slot is free when this returns.</summary>
    Task OnJobFinishedAsync(IWorker worker, Guid jobId, WorkerJobOutcome outcome);

    /// <summary>The worker lost the job (it died, restarted, or forgot it): the dispatcher requeues it, attempts permitting.</summary>
    void OnJobLost(IWorker worker, Guid jobId, string reason);
}
