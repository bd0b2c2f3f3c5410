using Gantry.Domain;

namespace Gantry.Store;

/// <summary>
/// The durable home of jobs. One contract, two implementations (SQLite, PostgreSQL), one contract test suite.
/// Reads never load a job's payload unless they ask for it.
/// </summary>
public interface IJobStore
{
    /// <summary>
    /// Inserts a queued job. Returns only once the job is committed to disk; concurrent calls are batched
    /// into one transaction (group commit). Throws <see cref="DuplicateJobException"/> if the id exists, and
    /// <see cref="QueueFullException"/> if <see cref="NewJob.MaxWaiting"/> is set and reached.
    /// </summary>
    Task<JobRecord> InsertJobAsync(NewJob job, CancellationToken cancellationToken);

    /// <summary>The job's row, or null if no job has that id.</summary>
    Task<JobRecord?> GetJobAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The job with its payload and (if terminal) its results, or null.</summary>
    Task<JobDetail?> GetJobDetailAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The payload alone (what a worker needs to run the job), or null.</summary>
    Task<JobPayload?> GetPayloadAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>One page of a user's jobs and the total matching the filters.</summary>
    Task<JobPage> ListJobsAsync(JobListQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The same page as <see cref="ListJobsAsync"/>, read column by column into <paramref name="onRow"/> (only the columns a
    /// list entry shows, no record per row); returns the total matching the filters. What <c>GET /api/jobs</c> streams.
    /// </summary>
    Task<long> ListJobRowsAsync(JobListQuery query, JobListRowHandler onRow, CancellationToken cancellationToken);

    /// <summary>A user's jobs in the given states in submission order (oldest first), without payloads.</summary>
    Task<IReadOnlyList<JobRecord>> ListUserJobsInStatesAsync(long userId, IReadOnlyList<JobState> states, int limit, CancellationToken cancellationToken);

    /// <summary>Like <see cref="ListUserJobsInStatesAsync"/>, with each job's payload: what <c>GET /queue</c> shows.</summary>
    Task<IReadOnlyList<(JobRecord Job, JobPayload Payload)>> ListUserJobsWithPayloadsAsync(long userId, IReadOnlyList<JobState> states, int limit, CancellationToken cancellationToken);

    /// <summary>A user's terminal jobs, newest first: what history views page through.</summary>
    Task<IReadOnlyList<JobRecord>> ListHistoryAsync(long userId, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>The same page, each job with its payload and results, in one read: what the history views show.</summary>
    Task<IReadOnlyList<JobDetail>> ListHistoryDetailsAsync(long userId, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Every job of every user that is not terminal, in submission order: what the scheduler reloads at start.</summary>
    Task<IReadOnlyList<JobRecord>> ListActiveJobsAsync(CancellationToken cancellationToken);

    /// <summary>How many of a user's jobs are in the given states.</summary>
    Task<int> CountUserJobsInStatesAsync(long userId, IReadOnlyList<JobState> states, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a compare-and-set state change. Returns the updated row, or null when the job does not exist
    /// or its current state (or worker) did not allow the move; nothing is written then.
    /// </summary>
    Task<JobRecord?> TransitionAsync(JobTransition transition, CancellationToken cancellationToken);

    /// <summary>Deletes a user's terminal jobs with the given ids (or all of them when <paramref name="ids"/> is null) and their results. Returns how many went.</summary>
    Task<int> DeleteHistoryAsync(long userId, IReadOnlyList<Guid>? ids, CancellationToken cancellationToken);
}

/// <summary>A job with this id already exists; the submit is refused and nothing is written.</summary>
public sealed class DuplicateJobException(Guid id)
    : InvalidOperationException($"A job with id {id} already exists.")
{
    public Guid JobId { get; } = id;
}

/// <summary>The user already has <see cref="NewJob.MaxWaiting"/> jobs waiting; the submit is refused and nothing is written.</summary>
public sealed class QueueFullException(int waiting, int limit)
    : InvalidOperationException($"{waiting} jobs are already waiting; the limit is {limit}.")
{
    public int Waiting { get; } = waiting;

    public int Limit { get; } = limit;
}

/// <summary>The job's <see cref="NewJob.IdempotencyKey"/> was already presented by its user; nothing is written.</summary>
public sealed class IdempotencyKeyReusedException()
    : InvalidOperationException("This Idempotency-Key was already used.");
