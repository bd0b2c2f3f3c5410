using Gantry.Domain;
using Gantry.Outputs;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// A worker back after Gantry stopped following its jobs (<see cref="LeftBehindJobs"/>). Each job it was left with
/// is settled once, and a job never runs twice to the end:
/// <list type="bullet">
/// <item>finished there while the job is still queued here: that result is taken (queued → succeeded/failed, the
/// returning worker named as the one that ran it; its own history is the job's status and timeline);</item>
/// <item>still pending or running there while the job is still queued here: the job is taken back to that worker
/// (queued → dispatched, not counted as a new attempt) instead of a copy being dispatched;</item>
/// <item>the job is no longer queued here (its requeued copy was dispatched elsewhere, or it was cancelled, timed
/// out or failed meanwhile): the copy the store holds wins, deterministically. The returning worker is asked to
/// stop the job (a cancel asked for while it was away is sent now), and whatever it reports about it is dropped.</item>
/// </list>
/// Which of "taken back / result taken" and "copy dispatched" happens is decided by the store's compare-and-set on
/// the queued state: exactly one of them moves the job out of it. The worker takes no new work while it is asked.
/// </summary>
internal sealed class WorkerReturns(DispatchContext context, JobEnding ending, JobGuards guards, WorkerPauses pauses)
{
    /// <summary>On the loop, when a worker is online: asks it about every job it was left with.</summary>
    public void AskAboutLeftBehind(IWorker worker)
    {
        foreach (var left in context.LeftBehind.StartReconciling(worker))
        {
            context.Work.Run(left.JobId, () => ReturnAsync(left));
        }
    }

    private async Task ReturnAsync(LeftBehindJob left)
    {
        var worker = left.Worker;
        WorkerJobPresence presence;
        try
        {
            left.Payload ??= await context.Store.GetPayloadAsync(left.JobId, context.Stopping);
            if (left.Payload is null || left.Resolved)
            {
                context.LeftBehind.Resolve(left);
                context.Post(new SchedulerCommand.WorkerChanged(worker));
                return;
            }

            presence = await worker.ReconcileAsync(context.ToWorkerJob(left.JobId, left.UserId, left.Payload), context.Stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.Stopping.IsCancellationRequested)
        {
            // Asked again once the pause is over (or when the worker is next online).
            SchedulingLog.ReconcileFailed(context.Logger, worker.Name, left.JobId, ex.Message);
            left.StopReconciling();
            pauses.Pause(worker);
            return;
        }

        try
        {
            await SettleReturnedAsync(left, presence);
        }
        finally
        {
            left.StopReconciling();
            context.Post(new SchedulerCommand.WorkerChanged(worker));
        }
    }

    private async Task SettleReturnedAsync(LeftBehindJob left, WorkerJobPresence presence)
    {
        var worker = left.Worker;
        switch (presence)
        {
            case WorkerJobPresence.Unknown:
                // Forgotten there: the queued copy (if any) is the only one.
                context.LeftBehind.Resolve(left);
                return;
            case WorkerJobPresence.Finished:
                // The worker reports the end (OnJobFinishedAsync), which settles it.
                left.AwaitReport();
                return;
        }

        var current = await context.Store.GetJobAsync(left.JobId, context.Stopping);
        if (current?.State == JobState.Queued)
        {
            var reply = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            context.Post(new SchedulerCommand.TakeBack(left, presence, reply));
            if (await reply.Task.WaitAsync(context.Stopping))
            {
                return;
            }
        }

        if (context.LeftBehind.Resolve(left))
        {
            SchedulingLog.StoppingLeftBehind(context.Logger, worker.Name, left.JobId, current?.State);
            await context.CancelQuietlyAsync(worker, left.JobId);
        }
    }

    /// <summary>
    /// On the loop, for a job still queued: takes it back to the worker that has it. Returns its placement (the caller
    /// counts the slot), or null when the worker is no longer the pool's or the job was settled meanwhile.
    /// </summary>
    public Placement? TakeBack(LeftBehindJob left, WorkerJobPresence presence)
    {
        var worker = left.Worker;
        if (!ReferenceEquals(context.Pool.Find(worker.Name), worker) || !context.LeftBehind.Resolve(left))
        {
            return null;
        }

        var placement = new Placement(left.JobId, left.UserId, left.Sequence, worker, worker.Name)
        {
            Requirements = left.Requirements,
            Payload = left.Payload,
            Phase = PlacementPhase.Submitting,
        };

        // The move is first in the job's line, so a report of the end (queued behind it) finds the job on the worker.
        var marking = new TaskCompletionSource<JobRecord?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var atMs = context.NowMs;
        context.Work.Track(placement.Enqueue(async () => marking.TrySetResult(await ending.RecordAsync(
            new JobTransition { JobId = left.JobId, To = JobState.Dispatched, OnlyFrom = [JobState.Queued], AtMs = atMs, Worker = worker.Name }))));
        context.Placements.Add(placement);
        context.Work.Run(left.JobId, () => TakenBackAsync(placement, marking.Task, presence));
        return placement;
    }

    private async Task TakenBackAsync(Placement placement, Task<JobRecord?> marking, WorkerJobPresence presence)
    {
        var moved = await marking.WaitAsync(context.Stopping);
        if (moved is null)
        {
            // Cancelled (or failed) in the queue meanwhile: nothing to run any more.
            if (placement.TryEnd())
            {
                await ending.ReleaseAsync(placement, ended: null);
            }

            await context.CancelQuietlyAsync(placement.Worker!, placement.JobId);
            return;
        }

        SchedulingLog.TakenBack(context.Logger, placement.JobId, placement.WorkerName);
        placement.Record = moved;
        context.Signals.RaiseChanged(moved);
        if (presence == WorkerJobPresence.Running)
        {
            await placement.Enqueue(() => context.Work.Guard(placement.JobId, () => guards.StartedAsync(placement, context.NowMs)));
        }

        if (placement.MarkOnWorker())
        {
            await guards.StopOnWorkerAsync(placement, timedOut: false);
        }
    }

    /// <summary>
    /// The end of a job the worker was left with. Taken while the job is still queued (its requeued copy has not been
    /// dispatched); an interrupted run is not a result (the queued copy runs).
    /// </summary>
    public async Task TakeResultAsync(LeftBehindJob left, WorkerJobOutcome outcome)
    {
        if (outcome.Result == WorkerJobResult.Interrupted)
        {
            SchedulingLog.LeftBehindDropped(context.Logger, left.JobId, left.Worker.Name, "it was interrupted there");
            return;
        }

        var state = outcome.Result == WorkerJobResult.Succeeded ? JobState.Succeeded : JobState.Failed;
        var summary = OutputSummary.Of(outcome.OutputsJson);
        var moved = await ending.RecordAsync(
            new JobTransition
            {
                JobId = left.JobId,
                To = state,
                OnlyFrom = [JobState.Queued],
                Worker = left.Worker.Name,
                AtMs = context.NowMs,
                ExecutionStartMs = outcome.ExecutionStartMs,
                ExecutionEndMs = outcome.ExecutionEndMs ?? context.NowMs,
                ErrorMessage = state == JobState.Failed ? outcome.ErrorMessage ?? $"The job failed on worker '{left.Worker.Name}'." : null,
                ExecutionErrorJson = state == JobState.Failed ? outcome.ExecutionErrorJson : null,
                OutputsCount = summary.Count,
                PreviewOutputJson = summary.PreviewOutputJson,
                OutputTypes = summary.MediaTypes,
                Result = new JobResult { OutputsJson = outcome.OutputsJson, StatusJson = outcome.StatusJson, MetaJson = outcome.MetaJson },
            });
        if (moved is null)
        {
            SchedulingLog.LeftBehindDropped(context.Logger, left.JobId, left.Worker.Name, "the job is no longer queued (its copy counts)");
            return;
        }

        SchedulingLog.ResultTaken(context.Logger, left.JobId, left.Worker.Name, moved.State);
        context.Finished.Add(left.JobId, left.UserId);
        context.Signals.RaiseChanged(moved);
    }
}
