namespace Gantry.Domain;

/// <summary>The allowed moves between <see cref="JobState"/>s. Pure; the store enforces the same rules atomically.</summary>
public static class JobStateMachine
{
    /// <summary>States in which a job still needs work: it sits in a queue or on a worker.</summary>
    public static readonly IReadOnlyList<JobState> ActiveStates =
        [JobState.Queued, JobState.Dispatched, JobState.Running, JobState.Cancelling];

    /// <summary>States a job never leaves.</summary>
    public static readonly IReadOnlyList<JobState> TerminalStates =
        [JobState.Succeeded, JobState.Failed, JobState.Cancelled];

    /// <summary>States in which a job occupies a worker slot.</summary>
    public static readonly IReadOnlyList<JobState> OnWorkerStates =
        [JobState.Dispatched, JobState.Running, JobState.Cancelling];

    public static bool IsTerminal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    public static bool IsActive(JobState state) => !IsTerminal(state);

    public static bool IsOnWorker(JobState state) => state is JobState.Dispatched or JobState.Running or JobState.Cancelling;

    /// <summary>Whether a job may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanMove(JobState from, JobState to) => from switch
    {
        // A queued job has no worker yet: it is dispatched, or ends without ever running (cancelled by its owner,
        // failed because no worker can ever run it), or, requeued off a worker that was away, ends with the result
        // that worker comes back with (succeeded or failed).
        JobState.Queued => to is JobState.Dispatched or JobState.Cancelled or JobState.Failed or JobState.Succeeded,

        // A worker may finish a cached graph before we ever see execution_start,
        // and a lost worker sends its jobs back to the queue.
        JobState.Dispatched => to is JobState.Running or JobState.Queued or JobState.Cancelling
            or JobState.Succeeded or JobState.Failed or JobState.Cancelled,

        JobState.Running => to is JobState.Queued or JobState.Cancelling
            or JobState.Succeeded or JobState.Failed or JobState.Cancelled,

        // The worker decides how a cancelled job really ended: it may have finished first.
        JobState.Cancelling => to is JobState.Cancelled or JobState.Succeeded or JobState.Failed,

        _ => false,
    };

    /// <summary>The states from which <paramref name="to"/> can be reached; what a store's compare-and-set checks.</summary>
    public static IReadOnlyList<JobState> SourcesOf(JobState to) => Sources[(int)to];

    private static readonly JobState[][] Sources = BuildSources();

    private static JobState[][] BuildSources()
    {
        var all = Enum.GetValues<JobState>();
        var sources = new JobState[all.Length][];
        foreach (var to in all)
        {
            sources[(int)to] = all.Where(from => CanMove(from, to)).ToArray();
        }

        return sources;
    }
}
