using System.ComponentModel.DataAnnotations;

namespace Gantry.Scheduling;

/// <summary>How the dispatcher shares the workers and guards jobs: the <c>Gantry:Scheduler</c> section.</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Gantry:Scheduler";

    /// <summary>
    /// Most jobs of one user on workers at once (dispatched, running or being cancelled), unless the user has their
    /// own limit; 0 for no limit. Default 3.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxRunningPerUser { get; set; } = 3;

    /// <summary>The fair-share weight of users without their own: a user of weight 2 holds twice the workers of one of weight 1; above 0. Default 1.</summary>
    [Range(double.Epsilon, double.MaxValue)]
    public double DefaultWeight { get; set; } = 1;

    // Gantry:Scheduler:Prefetch is read by the workers that use it (Workers.Embedded.PrefetchOptions).

    /// <summary>
    /// How long a job may run on a worker (from <c>execution_start</c>) before it is interrupted and failed with
    /// "Job exceeded the maximum runtime of …". Default 30 minutes.
    /// </summary>
    public TimeSpan MaxRuntime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How many times a job is handed to a worker before a lost worker fails it instead of requeueing it. Default 3.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// How long a worker has to confirm a cancel or a timeout interrupt before Gantry ends the job itself. Default 1 minute.
    /// </summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a worker may be offline before the jobs it holds go back to the queue (attempts permitting), ahead of
    /// their owner's later jobs. A worker back within it keeps them. 1 millisecond to 1 day; default 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan WorkerOfflineGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a user's weight and limit are trusted before they are read from the store again. Default 30 seconds.</summary>
    public TimeSpan UserRefresh { get; set; } = TimeSpan.FromSeconds(30);
}
