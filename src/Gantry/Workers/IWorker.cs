namespace Gantry.Workers;

/// <summary>
/// One ComfyUI-speaking backend that runs jobs: a real ComfyUI over its HTTP and WebSocket protocol
/// (<c>ComfyUiWorker</c>), or the built-in engine in this process (<c>EmbeddedWorker</c>).
/// The dispatcher is its only caller; everything a worker observes comes back through <see cref="IWorkerCallbacks"/>.
/// </summary>
public interface IWorker : IAsyncDisposable
{
    /// <summary>Unique name; what <c>assigned_inference</c> shows.</summary>
    string Name { get; }

    /// <summary><c>embedded</c> or <c>comfyui</c>.</summary>
    string Kind { get; }

    /// <summary>The ComfyUI base URL; null for the embedded engine.</summary>
    string? Url { get; }

    WorkerState State { get; }

    /// <summary>Why the worker is offline or what last went wrong, for <c>gantry workers list</c>.</summary>
    string? LastError { get; }

    /// <summary>Its node catalog and model lists; null until the first successful probe.</summary>
    WorkerCapabilities? Capabilities { get; }

    /// <summary>How many prompts it may hold at once: one running plus the prefetched ones.</summary>
    int Slots { get; }

    /// <summary>Begins probing and connecting, and returns without waiting for the worker to come online.</summary>
    Task StartAsync(IWorkerCallbacks callbacks, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a job to the worker. Returns once the worker has accepted it (queued it); progress and the end
    /// come through the callbacks. Throws <see cref="WorkerRejectedJobException"/> when the worker refuses the
    /// graph itself (it will never run there), <see cref="WorkerUnavailableException"/> when the worker cannot
    /// take it now (try elsewhere or later).
    /// </summary>
    Task SubmitAsync(WorkerJob job, CancellationToken cancellationToken);

    /// <summary>Stops a job on the worker (dequeue if waiting, interrupt if running). Idempotent; the end comes as a callback.</summary>
    Task CancelAsync(Guid jobId, CancellationToken cancellationToken);

    /// <summary>
    /// After a Gantry restart or a dropped connection: what the worker knows of a job it was given.
    /// Finished jobs are reported through <see cref="IWorkerCallbacks.OnJobFinishedAsync"/> as well.
    /// </summary>
    Task<WorkerJobPresence> ReconcileAsync(WorkerJob job, CancellationToken cancellationToken);

    /// <summary>Stops taking new jobs; what it has runs to the end. <see cref="State"/> becomes draining.</summary>
    void Drain();

    /// <summary>Undoes <see cref="Drain"/>: a draining worker takes new jobs again (<see cref="State"/> back to online).</summary>
    void Resume();
}

public enum WorkerState
{
    /// <summary>Not yet probed, or probing.</summary>
    Starting = 0,

    /// <summary>Healthy: takes jobs.</summary>
    Online = 1,

    /// <summary>Healthy, finishing what it has, taking nothing new.</summary>
    Draining = 2,

    /// <summary>Unreachable; reconnecting with backoff.</summary>
    Offline = 3,
}

/// <summary>Where a worker says a job is, when asked after a restart or reconnect.</summary>
public enum WorkerJobPresence
{
    /// <summary>The worker has never heard of it (restarted, or the job was lost): requeue it.</summary>
    Unknown = 0,

    /// <summary>Waiting in the worker's queue.</summary>
    Pending = 1,

    /// <summary>Executing now.</summary>
    Running = 2,

    /// <summary>Done; its outcome was (or is being) reported through <see cref="IWorkerCallbacks.OnJobFinishedAsync"/>.</summary>
    Finished = 3,
}
