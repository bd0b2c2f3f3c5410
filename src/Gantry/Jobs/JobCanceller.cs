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
        // The job may move under us (the scheduler dispatches it, a worker finishes it); re-read and retry.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (JobStateMachine.IsTerminal(job.State))
            {
                return null;
            }

            if (job.State == JobState.Cancelling)
            {
                return job;
            }

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var queued = job.State == JobState.Queued;
            var moved = await store.TransitionAsync(
                new JobTransition
                {
                    JobId = job.Id,
                    To = queued ? JobState.Cancelled : JobState.Cancelling,
                    OnlyFrom = [job.State],
                    AtMs = now,
                    ErrorMessage = reason,
                },
                cancellationToken);

            if (moved is not null)
            {
                if (queued)
                {
                    signals.RaiseChanged(moved);
                }
                else
                {
                    signals.RaiseCancelRequested(moved);
                }

                return moved;
            }

            job = await store.GetJobAsync(job.Id, cancellationToken) ?? throw new InvalidOperationException($"Job {job.Id} disappeared while being cancelled.");
        }

        throw new InvalidOperationException($"Job {job.Id} kept changing state while being cancelled.");
    }
}
