using Gantry.Domain;

namespace Gantry.Scheduling;

/// <summary>A job waiting in the <see cref="FairQueue"/>: who owns it, its place in its owner's FIFO, and what it needs.</summary>
public sealed class QueuedJob(Guid jobId, long userId, long sequence)
{
    public Guid JobId { get; } = jobId;

    public long UserId { get; } = userId;

    /// <summary>The store's insertion order: a user's jobs leave in this order.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>Null until the scheduler has read the job's graph; a user whose next job has none yet is not served.</summary>
    public JobRequirements? Requirements { get; internal set; }

    public override string ToString() => $"{JobId} (user {UserId}, #{Sequence})";
}

/// <summary>What <see cref="FairQueue.Next"/> decided.</summary>
public abstract record FairQueueDecision
{
    private FairQueueDecision()
    {
    }

    /// <summary>Run <paramref name="Job"/> on <paramref name="Worker"/>; the slot and the user's share are already counted.</summary>
    public sealed record Assign(QueuedJob Job, string Worker) : FairQueueDecision;

    /// <summary>No worker can ever run the job (every worker has a catalog and none fits); it has left the queue.</summary>
    public sealed record Unrunnable(QueuedJob Job, string Reason) : FairQueueDecision;
}

/// <summary>Whether a worker takes jobs, in the scheduler's terms.</summary>
public enum WorkerAvailability
{
    /// <summary>Online: takes jobs while it has free slots.</summary>
    Accepting = 0,

    /// <summary>Starting or offline: takes nothing now, but may come back.</summary>
    Unavailable = 1,

    /// <summary>Draining: finishes what it has and never takes new jobs.</summary>
    Retired = 2,
}
