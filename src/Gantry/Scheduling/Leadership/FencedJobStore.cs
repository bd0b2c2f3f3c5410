using Gantry.Domain;
using Gantry.Store;

namespace Gantry.Scheduling.Leadership;

/// <summary>
/// The job store as the dispatcher sees it: every transition carries the epoch of the term this instance leads in, so
/// the store refuses it once another instance has started a newer term. Everything else passes through.
/// </summary>
internal sealed class FencedJobStore(IJobStore inner) : IJobStore
{
    private long _epoch;

    /// <summary>
    /// The epoch of the term the dispatcher runs in (null: not fenced). Set when the term starts and kept after it is
    /// lost, so that whatever the old term still tries is refused rather than sent unfenced.
    /// </summary>
    public long? Epoch
    {
        get => Volatile.Read(ref _epoch) is var epoch and > 0 ? epoch : null;
        set => Volatile.Write(ref _epoch, value ?? 0);
    }

    public Task<JobRecord?> TransitionAsync(JobTransition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return Epoch is { } epoch
            ? inner.TransitionAsync(transition with { Epoch = epoch }, cancellationToken)
            : inner.TransitionAsync(transition, cancellationToken);
    }

    public Task<JobRecord> InsertJobAsync(NewJob job, CancellationToken cancellationToken) => inner.InsertJobAsync(job, cancellationToken);

    public Task<JobRecord?> GetJobAsync(Guid id, CancellationToken cancellationToken) => inner.GetJobAsync(id, cancellationToken);

    public Task<JobDetail?> GetJobDetailAsync(Guid id, CancellationToken cancellationToken) => inner.GetJobDetailAsync(id, cancellationToken);

    public Task<JobPayload?> GetPayloadAsync(Guid id, CancellationToken cancellationToken) => inner.GetPayloadAsync(id, cancellationToken);

    public Task<JobPage> ListJobsAsync(JobListQuery query, CancellationToken cancellationToken) => inner.ListJobsAsync(query, cancellationToken);

    public Task<long> ListJobRowsAsync(JobListQuery query, JobListRowHandler onRow, CancellationToken cancellationToken) =>
        inner.ListJobRowsAsync(query, onRow, cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListUserJobsInStatesAsync(long userId, IReadOnlyList<JobState> states, int limit, CancellationToken cancellationToken) =>
        inner.ListUserJobsInStatesAsync(userId, states, limit, cancellationToken);

    public Task<IReadOnlyList<(JobRecord Job, JobPayload Payload)>> ListUserJobsWithPayloadsAsync(long userId, IReadOnlyList<JobState> states, int limit, CancellationToken cancellationToken) =>
        inner.ListUserJobsWithPayloadsAsync(userId, states, limit, cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListHistoryAsync(long userId, int offset, int limit, CancellationToken cancellationToken) =>
        inner.ListHistoryAsync(userId, offset, limit, cancellationToken);

    public Task<IReadOnlyList<JobDetail>> ListHistoryDetailsAsync(long userId, int offset, int limit, CancellationToken cancellationToken) =>
        inner.ListHistoryDetailsAsync(userId, offset, limit, cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListActiveJobsAsync(CancellationToken cancellationToken) => inner.ListActiveJobsAsync(cancellationToken);

    public Task<int> CountUserJobsInStatesAsync(long userId, IReadOnlyList<JobState> states, CancellationToken cancellationToken) =>
        inner.CountUserJobsInStatesAsync(userId, states, cancellationToken);

    public Task<int> DeleteHistoryAsync(long userId, IReadOnlyList<Guid>? ids, CancellationToken cancellationToken) =>
        inner.DeleteHistoryAsync(userId, ids, cancellationToken);
}
