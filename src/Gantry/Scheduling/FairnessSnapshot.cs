namespace Gantry.Scheduling;

/// <summary>
/// One user as the <see cref="FairQueue"/> sees them at one moment: their share, their jobs, and their turn, the place
/// at which the next decision would try them (1 = first), or null when it would not try them now (see <see cref="Standing"/>).
/// </summary>
public sealed record UserFairness(
    long UserId,
    double Weight,
    int MaxRunning,
    int Running,
    int Queued,
    int? Turn,
    FairnessStanding Standing,
    IReadOnlyList<PlacedJob> RunningJobs,
    IReadOnlyList<Guid> NextJobs);

/// <summary>A job on a worker (the worker is null while it is being found again after a restart).</summary>
public sealed record PlacedJob(Guid JobId, string? Worker);

/// <summary>Why a user has, or has not, a turn in the next decision.</summary>
public enum FairnessStanding
{
    /// <summary>Tried in the next decision, at <see cref="UserFairness.Turn"/>.</summary>
    Waiting = 0,

    /// <summary>Has jobs waiting but as many on workers as their limit allows.</summary>
    AtLimit = 1,

    /// <summary>Their next job's graph is still being read; they are tried once it is.</summary>
    Reading = 2,

    /// <summary>Nothing waiting; only jobs on workers.</summary>
    NothingWaiting = 3,
}
