namespace Gantry.Scheduling;

/// <summary>How the dispatcher shares the workers and guards jobs: the <c>Gantry:Scheduler</c> section.</summary>
public sealed class SchedulerOptions
{
    /// <summary>
    /// Most jobs of one user on workers at once (dispatched, running or being cancelled), unless the user has their
    /// own limit; 0 for no limit. Default 3.
    /// </summary>
    public int MaxRunningPerUser { get; set; } = 3;

    /// <summary>The fair-share weight of users without their own: a user of weight 2 holds twice the workers of one of weight 1. Default 1.</summary>
    public double DefaultWeight { get; set; } = 1;

    /// <summary>
    /// How many jobs a worker holds beyond the one it runs, so it starts the next without waiting for Gantry
    /// (its slots are 1 + this). Used by the embedded workers; ComfyUI workers report their own slots. Default 1.
    /// </summary>
    public int Prefetch { get; set; } = 1;

    /// <summary>
    /// How long a job may run on a worker (from <c>execution_start</c>) before it is interrupted and failed with
    /// "Job exceeded the maximum runtime of …". Default 30 minutes.
    /// </summary>
    public TimeSpan MaxRuntime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How many times a job is handed to a worker before a lost worker fails it instead of requeueing it. Default 3.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// How long a worker has to confirm a cancel or a timeout interrupt before Gantry ends the job itself. Default 1 minute.
    /// </summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a user's weight and limit are trusted before they are read from the store again. Default 30 seconds.</summary>
    public TimeSpan UserRefresh { get; set; } = TimeSpan.FromSeconds(30);
}
