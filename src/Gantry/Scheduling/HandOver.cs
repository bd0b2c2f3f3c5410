using System.Collections.Concurrent;
using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// Carries out the loop's decisions: marks the job dispatched in the store (so a crash never loses track of it),
/// then hands it to the worker. Hand-overs to one worker happen one at a time in decision order (its own queue must
/// run a user's jobs in their order); a refusal fails the job, an unavailable worker is paused and the job requeued.
/// </summary>
internal sealed class HandOver(DispatchContext context, JobEnding ending, JobGuards guards, WorkerPauses pauses)
{
    private readonly ConcurrentDictionary<string, SerialWork> _lines = new(StringComparer.Ordinal);

    /// <summary>On the loop: starts handing <paramref name="job"/> to the worker. False when the worker left the pool.</summary>
    public bool Start(QueuedJob job, string workerName, JobPayload payload)
    {
        if (context.Pool.Find(workerName) is not { } worker)
        {
            return false;
        }

        var placement = new Placement(job.JobId, job.UserId, job.Sequence, worker, workerName)
        {
            Requirements = job.Requirements,
            Payload = payload,
            Phase = PlacementPhase.Submitting,
        };
        context.Placements.Add(placement);

        // The store write starts now, so the dispatches of one decision pass share a group commit.
        var marking = MarkDispatchedAsync(placement);
        context.Work.Track(_lines.GetOrAdd(workerName, _ => new SerialWork()).Enqueue(() => context.Work.Guard(job.JobId, () => DispatchAsync(placement, marking))));
        return true;
    }

    private Task<JobRecord?> MarkDispatchedAsync(Placement placement)
    {
        try
        {
            return context.Store.TransitionAsync(
                new JobTransition
                {
                    JobId = placement.JobId,
                    To = JobState.Dispatched,
                    OnlyFrom = [JobState.Queued],
                    AtMs = context.NowMs,
                    Worker = placement.WorkerName,
                    CountAttempt = true,
                },
                context.Stopping);
        }
        catch (Exception ex)
        {
            return Task.FromException<JobRecord?>(ex);
        }
    }

    /// <summary>
    /// Dispatched in the store first (<paramref name="marking"/>), then handed to the worker. Worker calls never run
    /// inside the job's serial line: a worker may report the end from within them.
    /// </summary>
    private async Task DispatchAsync(Placement placement, Task<JobRecord?> marking)
    {
        var worker = placement.Worker!;
        JobRecord? moved;
        try
        {
            moved = await marking;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.Stopping.IsCancellationRequested)
        {
            // The store could not record it: the job is still queued there, so it goes back in line here too.
            SchedulingLog.WorkFailed(context.Logger, placement.JobId, ex);
            context.Placements.Forget(placement);
            context.Post(new SchedulerCommand.Released(placement.JobId, placement.ToQueuedJob(), placement.Payload));
            return;
        }

        if (moved is null)
        {
            // Cancelled or gone while it waited for its turn.
            context.Placements.Forget(placement);
            context.Post(new SchedulerCommand.Released(placement.JobId));
            return;
        }

        placement.Record = moved;
        context.Signals.RaiseChanged(moved);
        SchedulingLog.Dispatched(context.Logger, placement.JobId, placement.WorkerName);
        try
        {
            await worker.SubmitAsync(context.ToWorkerJob(placement), context.Stopping);
        }
        catch (WorkerRejectedJobException ex)
        {
            SchedulingLog.Refused(context.Logger, placement.WorkerName, placement.JobId, ex.Message);
            await placement.Enqueue(() => ending.EndAsync(placement, JobState.Failed, $"Worker '{placement.WorkerName}' refused the job: {ex.Message}"));
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.Stopping.IsCancellationRequested)
        {
            SchedulingLog.Unavailable(context.Logger, placement.WorkerName, placement.JobId, ex.Message);
            context.CountBounce(placement.JobId);
            pauses.Pause(worker);
            await placement.Enqueue(() => ending.RequeueAsync(placement));
            return;
        }

        if (placement.Ended)
        {
            return;
        }

        if (placement.MarkOnWorker())
        {
            await guards.StopOnWorkerAsync(placement, timedOut: false);
        }
    }
}
