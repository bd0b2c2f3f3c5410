using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>Where a job on a worker stands, as the dispatcher tracks it.</summary>
internal enum PlacementPhase
{
    /// <summary>Marked dispatched in the store; being handed to the worker.</summary>
    Submitting = 0,

    /// <summary>The worker has it.</summary>
    OnWorker = 1,

    /// <summary>Found on a worker after a restart; the worker has not confirmed it yet.</summary>
    Unconfirmed = 2,

    /// <summary>The worker is being asked about it.</summary>
    Reconciling = 3,
}

/// <summary>
/// A job on a worker: who owns it (for routing its messages), which worker has it, its guards (max runtime, cancel
/// grace), and a serial line of work so the worker's reports for it are handled in order. Ends exactly once.
/// </summary>
internal sealed class Placement(Guid jobId, long userId, long sequence, IWorker? worker, string workerName)
{
    private readonly Lock _gate = new();
    private readonly SerialWork _line = new();
    private int _ended;
    private volatile PlacementPhase _phase;

    public Guid JobId { get; } = jobId;

    public long UserId { get; } = userId;

    public long Sequence { get; } = sequence;

    public IWorker? Worker { get; } = worker;

    public string WorkerName { get; } = workerName;

    public JobRequirements? Requirements { get; init; }

    /// <summary>The graph, once read (needed to hand the job over, to reconcile it, and to requeue it without reading it again).</summary>
    public JobPayload? Payload { get; set; }

    /// <summary>The job's row as last written by the dispatcher.</summary>
    public JobRecord? Record { get; set; }

    /// <summary>Read and written from several threads (a cancel racing the hand-over): volatile, like the flags below.</summary>
    public PlacementPhase Phase
    {
        get => _phase;
        set => _phase = value;
    }

    public volatile bool CancelRequested;

    public volatile bool TimedOut;

    public ITimer? RuntimeTimer { get; set; }

    public ITimer? GraceTimer { get; set; }

    public bool Ended => Volatile.Read(ref _ended) != 0;

    /// <summary>The worker has the job now. Returns whether a cancel came in meanwhile (then the caller stops it).</summary>
    public bool MarkOnWorker()
    {
        lock (_gate)
        {
            Phase = PlacementPhase.OnWorker;
            return CancelRequested;
        }
    }

    /// <summary>Records a cancel. Returns whether the job is past its hand-over (then the caller stops it; otherwise the hand-over does).</summary>
    public bool RequestCancel()
    {
        lock (_gate)
        {
            CancelRequested = true;
            return Phase != PlacementPhase.Submitting;
        }
    }

    /// <summary>Claims the end; only the first caller gets true.</summary>
    public bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;

    /// <summary>Runs <paramref name="work"/> after everything queued for this job before it.</summary>
    public Task Enqueue(Func<Task> work) => _line.Enqueue(work);

    public void StopTimers()
    {
        RuntimeTimer?.Dispose();
        GraceTimer?.Dispose();
    }

    public QueuedJob ToQueuedJob() => new(JobId, UserId, Sequence) { Requirements = Requirements };

    public override string ToString() => $"{JobId} on {WorkerName} ({Phase})";
}
