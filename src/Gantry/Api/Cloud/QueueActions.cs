using Gantry.Domain;
using Gantry.Jobs;
using Gantry.Store;

namespace Gantry.Api.Cloud;

/// <summary>
/// The queue operations the Cloud and the ComfyUI-native surfaces share; they differ only in which states a
/// <c>delete</c> may touch and in what they answer.
/// </summary>
public static class QueueActions
{
    /// <summary>
    /// Cancels those of <paramref name="ids"/> that are the user's and in a state <paramref name="eligible"/> accepts
    /// (others, and unknown ids, are skipped). Returns the ids whose cancel took hold.
    /// </summary>
    public static async Task<List<string>> CancelListedAsync(
        IJobStore store, JobCanceller canceller, long userId, IReadOnlyList<Guid> ids, Func<JobState, bool> eligible, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(canceller);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(eligible);
        var cancelled = new List<string>();
        foreach (var id in ids)
        {
            var job = await store.GetJobAsync(id, cancellationToken);
            if (job is not null && job.UserId == userId && eligible(job.State)
                && await canceller.CancelAsync(job, reason, cancellationToken) is not null)
            {
                cancelled.Add(id.ToString("D"));
            }
        }

        return cancelled;
    }

    /// <summary>Cancels every job of the user that waits for a worker (queued or dispatched). Returns their ids.</summary>
    public static async Task<List<string>> CancelWaitingAsync(
        IJobStore store, JobCanceller canceller, long userId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(canceller);
        var cancelled = new List<string>();
        var waiting = await store.ListUserJobsInStatesAsync(userId, [JobState.Queued, JobState.Dispatched], CloudQueueApi.MaxListed, cancellationToken);
        foreach (var job in waiting)
        {
            if (await canceller.CancelAsync(job, reason, cancellationToken) is not null)
            {
                cancelled.Add(job.Id.ToString("D"));
            }
        }

        return cancelled;
    }

    /// <summary>Cancels the user's running jobs, or only <paramref name="jobId"/> when it is the user's and on a worker.</summary>
    public static async Task InterruptAsync(IJobStore store, JobCanceller canceller, long userId, Guid? jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(canceller);
        const string Reason = "Interrupted by the user.";
        if (jobId is { } id)
        {
            var job = await store.GetJobAsync(id, cancellationToken);
            if (job is not null && job.UserId == userId && JobStateMachine.IsOnWorker(job.State))
            {
                await canceller.CancelAsync(job, Reason, cancellationToken);
            }

            return;
        }

        var running = await store.ListUserJobsInStatesAsync(userId, [JobState.Running], CloudQueueApi.MaxListed, cancellationToken);
        foreach (var job in running)
        {
            await canceller.CancelAsync(job, Reason, cancellationToken);
        }
    }
}
