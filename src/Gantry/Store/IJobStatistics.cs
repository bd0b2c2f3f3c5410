using Gantry.Domain;

namespace Gantry.Store;

/// <summary>Counts over every user's jobs, for the admin system page. Each call reads the jobs table once or twice.</summary>
public interface IJobStatistics
{
    /// <summary>How many jobs are stored in each state (states without jobs are left out).</summary>
    Task<IReadOnlyDictionary<JobState, long>> CountByStateAsync(CancellationToken cancellationToken);

    /// <summary>Jobs that reached an end state since <paramref name="sinceMs"/>, per whole minute (Unix ms / 60000) and end state.</summary>
    Task<IReadOnlyList<FinishedInMinute>> FinishedPerMinuteAsync(long sinceMs, CancellationToken cancellationToken);
}

/// <summary><paramref name="Count"/> jobs ended in <paramref name="State"/> during the minute starting at <paramref name="Minute"/> × 60000 ms.</summary>
public sealed record FinishedInMinute(long Minute, JobState State, long Count);
