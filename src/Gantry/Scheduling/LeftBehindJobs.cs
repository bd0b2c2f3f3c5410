using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// A job that a worker still had when Gantry stopped following it there: the worker was offline past
/// <see cref="SchedulerOptions.WorkerOfflineGrace"/> (the job went back to the queue), or offline when the job was
/// cancelled or timed out (Gantry ended it itself). The worker may come back with it still running or finished.
/// </summary>
internal sealed class LeftBehindJob(Guid jobId, long userId, long sequence, IWorker worker, JobRequirements? requirements, JobPayload? payload)
{
    private const int Idle = 0;
    private const int Asked = 1;
    private const int Awaited = 2;
    private int _resolved;
    private int _reconciling;
    private int _settling;

    public Guid JobId { get; } = jobId;

    public long UserId { get; } = userId;

    public long Sequence { get; } = sequence;

    public IWorker Worker { get; } = worker;

    public JobRequirements? Requirements { get; } = requirements;

    public JobPayload? Payload { get; set; } = payload;

    /// <summary>Settled: its result was taken, it was taken back, or it was stopped or forgotten there.</summary>
    public bool Resolved => Volatile.Read(ref _resolved) != 0;

    /// <summary>The worker is being asked about it now (it takes no new work meanwhile).</summary>
    public bool Asking => Volatile.Read(ref _reconciling) == Asked;

    /// <summary>The worker said it finished the job; its report settles it.</summary>
    public bool AwaitingReport => Volatile.Read(ref _reconciling) == Awaited;

    /// <summary>The result its worker reported is being recorded (see <see cref="LeftBehindJobs.TrySettle"/>).</summary>
    public bool Settling => Volatile.Read(ref _settling) != 0;

    /// <summary>Claims the settlement; only the first caller gets true.</summary>
    public bool TryResolve() => Interlocked.Exchange(ref _resolved, 1) == 0;

    /// <summary>Marks it as being asked about; false when it already is, or awaits its report, or is settled.</summary>
    public bool TryStartReconciling() => !Resolved && Interlocked.CompareExchange(ref _reconciling, Asked, Idle) == Idle;

    public void AwaitReport() => Interlocked.CompareExchange(ref _reconciling, Awaited, Asked);

    /// <summary>Asking is over (the answer did not settle it, or the worker could not answer): it may be asked again.</summary>
    public void StopReconciling() => Interlocked.CompareExchange(ref _reconciling, Idle, Asked);

    public void MarkSettling() => Volatile.Write(ref _settling, 1);

    public override string ToString() => $"{JobId} left on {Worker.Name}";
}

/// <summary>
/// The jobs workers were left holding (<see cref="LeftBehindJob"/>), by job id, until the worker comes back and
/// each is settled once. Bounded: beyond <paramref name="capacity"/> the oldest are forgotten (their worker's result
/// would then be ignored, as before this existed). Thread-safe.
/// </summary>
internal sealed class LeftBehindJobs(int capacity = 4096)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, LeftBehindJob> _jobs = [];
    private readonly Queue<LeftBehindJob> _order = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _jobs.Count;
            }
        }
    }

    public void Add(LeftBehindJob job)
    {
        lock (_gate)
        {
            if (_jobs.Remove(job.JobId, out var before))
            {
                before.TryResolve();
            }

            _jobs[job.JobId] = job;
            _order.Enqueue(job);
            while (_order.TryPeek(out var oldest) && ((oldest.Resolved && !oldest.Settling) || _jobs.Count > capacity))
            {
                _order.Dequeue();
                oldest.TryResolve();
                RemoveIfSame(oldest);
            }

            if (_order.Count > 2 * capacity)
            {
                // Settled ones behind a long-lived head: keep the line as long as the map.
                var live = _order.Where(j => !j.Resolved).ToList();
                _order.Clear();
                live.ForEach(_order.Enqueue);
            }
        }
    }

    /// <summary>The job as left on this very worker, if it is not settled yet.</summary>
    public LeftBehindJob? Find(IWorker worker, Guid jobId)
    {
        lock (_gate)
        {
            return _jobs.TryGetValue(jobId, out var job) && ReferenceEquals(job.Worker, worker) && !job.Resolved ? job : null;
        }
    }

    /// <summary>
    /// Claims the settlement of the job left on this worker, to record the result the worker reported; null when there is
    /// none or it was settled already. The job stays here, holding its worker (<see cref="IsHeld"/>), until
    /// <see cref="Settled"/>: released earlier, the worker could be handed the job's queued copy before the result is
    /// recorded, and the result would then be dropped for a second run of the same job.
    /// </summary>
    public LeftBehindJob? TrySettle(IWorker worker, Guid jobId)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(jobId, out var job) || !ReferenceEquals(job.Worker, worker) || !job.TryResolve())
            {
                return null;
            }

            job.MarkSettling();
            return job;
        }
    }

    /// <summary>The result of a job claimed with <see cref="TrySettle"/> is recorded (or dropped): its worker is free again.</summary>
    public void Settled(LeftBehindJob job)
    {
        lock (_gate)
        {
            RemoveIfSame(job);
        }
    }

    /// <summary>Claims the settlement of <paramref name="job"/> and forgets it; false when another path settled it first.</summary>
    public bool Resolve(LeftBehindJob job)
    {
        if (!job.TryResolve())
        {
            return false;
        }

        lock (_gate)
        {
            RemoveIfSame(job);
        }

        return true;
    }

    /// <summary>The unsettled jobs left on this worker that nobody is asking it about yet; each is marked as being asked.</summary>
    public List<LeftBehindJob> StartReconciling(IWorker worker)
    {
        lock (_gate)
        {
            return _jobs.Values.Where(j => ReferenceEquals(j.Worker, worker) && j.TryStartReconciling()).ToList();
        }
    }

    /// <summary>
    /// Whether the worker is being asked about a job it was left with, or is reporting the end of one, or that end is
    /// being recorded: it takes no new work meanwhile (it could be handed a copy of that very job).
    /// </summary>
    public bool IsHeld(IWorker worker)
    {
        lock (_gate)
        {
            return _jobs.Values.Any(j => ReferenceEquals(j.Worker, worker) && (j.Asking || j.AwaitingReport || j.Settling));
        }
    }

    /// <summary>Forgets the jobs left on workers of this name other than <paramref name="current"/> (it left the pool, or was replaced).</summary>
    public void ForgetWorker(string name, IWorker? current)
    {
        lock (_gate)
        {
            foreach (var job in _jobs.Values.Where(j => j.Worker.Name == name && !ReferenceEquals(j.Worker, current)).ToList())
            {
                job.TryResolve();
                _jobs.Remove(job.JobId);
            }
        }
    }

    private void RemoveIfSame(LeftBehindJob job)
    {
        if (_jobs.TryGetValue(job.JobId, out var held) && ReferenceEquals(held, job))
        {
            _jobs.Remove(job.JobId);
        }
    }
}
