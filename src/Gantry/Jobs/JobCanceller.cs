using Gantry.Domain;
using Gantry.Store;

namespace Gantry.Jobs;

/// <summary>
/// Cancels a job in whatever state it is: a queued job is cancelled at once; a job on a worker moves to
/// cancelling and the dispatcher stops it there; a finished job is left alone.
/// </summary>
public sealed class JobCanceller(IJobStore store, JobSignals signals, TimeProvider time)
{
    /// <summary>
    /// Returns the job after the cancel took hold (cancelled or cancelling), or null when it had already finished.
    /// </summary>
    public async Task<JobRecord?> CancelAsync(JobRecord job, string reason, CancellationToken cancellationToken)
    {
        // The job may move under us (the scheduler dispatches it, a worker finishes it, a lost worker sends it back to
        // the queue). Try both compare-and-sets each round, whichever state was read last: a job that bounces between
        // the queue and a worker is caught in one or the other instead of being chased with stale reads.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (JobStateMachine.IsTerminal(job.State))
            {
                return null;
            }

            if (job.State == JobState.Cancelling)
            {
                return job;
            }

            var fromQueue = await MoveAsync(job.Id, JobState.Cancelled, [JobState.Queued], reason, cancellationToken);
            if (fromQueue is not null)
            {
                signals.RaiseChanged(fromQueue);
                return fromQueue;
            }

            var fromWorker = await MoveAsync(job.Id, JobState.Cancelling, [JobState.Dispatched, JobState.Running], reason, cancellationToken);
            if (fromWorker is not null)
            {
                signals.RaiseCancelRequested(fromWorker);
                return fromWorker;
            }

            job = await store.GetJobAsync(job.Id, cancellationToken) ?? throw new InvalidOperationException($"Job {job.Id} disappeared while being cancelled.");
        }

        throw new InvalidOperationException($"Job {job.Id} kept changing state while being cancelled.");
    }

    private Task<JobRecord?> MoveAsync(Guid id, JobState to, IReadOnlyList<JobState> from, string reason, CancellationToken cancellationToken) =>
        store.TransitionAsync(
            new JobTransition { JobId = id, To = to, OnlyFrom = from, AtMs = time.GetUtcNow().ToUnixTimeMilliseconds(), ErrorMessage = reason },
            cancellationToken);
}
