using Gantry.Jobs;
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
public sealed partial class Dispatcher
{
    /// <summary>Remembers that the worker of <paramref name="placement"/> may still have the job when it comes back.</summary>
    private void LeaveBehind(Placement placement)
    {
        if (placement.Worker is { } worker)
        {
            _leftBehind.Add(new LeftBehindJob(placement.JobId, placement.UserId, placement.Sequence, worker, placement.Requirements, placement.Payload));
        }
    }

    /// <summary>On the loop, when a worker is online: asks it about every job it was left with.</summary>
    private void AskAboutLeftBehind(IWorker worker)
    {
        foreach (var left in _leftBehind.StartReconciling(worker))
        {
            _ = Guard(left.JobId, () => ReturnAsync(left));
        }
    }

    private async Task ReturnAsync(LeftBehindJob left)
    {
        var worker = left.Worker;
        WorkerJobPresence presence;
        try
        {
            left.Payload ??= await _store.GetPayloadAsync(left.JobId, _stopping);
            if (left.Payload is null || left.Resolved)
            {
                _leftBehind.Resolve(left);
                Post(new Command.WorkerChanged(worker));
                return;
            }

            presence = await worker.ReconcileAsync(ToWorkerJob(left.JobId, left.UserId, left.Payload), _stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // Asked again once the pause is over (or when the worker is next online).
            SchedulingLog.ReconcileFailed(_logger, worker.Name, left.JobId, ex.Message);
            left.StopReconciling();
            Pause(worker);
            return;
        }

        try
        {
            await SettleReturnedAsync(left, presence);
        }
        finally
        {
            left.StopReconciling();
            Post(new Command.WorkerChanged(worker));
        }
    }

    private async Task SettleReturnedAsync(LeftBehindJob left, WorkerJobPresence presence)
    {
        var worker = left.Worker;
        switch (presence)
        {
            case WorkerJobPresence.Unknown:
                // Forgotten there: the queued copy (if any) is the only one.
                _leftBehind.Resolve(left);
                return;
            case WorkerJobPresence.Finished:
                // The worker reports the end (OnJobFinishedAsync), which settles it.
                left.AwaitReport();
                return;
        }

        var current = await _store.GetJobAsync(left.JobId, _stopping);
        if (current?.State == JobState.Queued)
        {
            var reply = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(new Command.TakeBack(left, presence, reply));
            if (await reply.Task.WaitAsync(_stopping))
            {
                return;
            }
        }

        if (_leftBehind.Resolve(left))
        {
            SchedulingLog.StoppingLeftBehind(_logger, worker.Name, left.JobId, current?.State);
            await CancelQuietlyAsync(worker, left.JobId);
        }
    }

    /// <summary>On the loop: the job, still queued, goes back to the worker that has it. False when it is no longer queued.</summary>
    private bool TakeBack(LeftBehindJob left, WorkerJobPresence presence)
    {
        var worker = left.Worker;
        if (!_queue.IsQueued(left.JobId) || !ReferenceEquals(_pool.Find(worker.Name), worker) || !_leftBehind.Resolve(left))
        {
            return false;
        }

        _payloads.Remove(left.JobId);
        var placement = new Placement(left.JobId, left.UserId, left.Sequence, worker, worker.Name)
        {
            Requirements = left.Requirements,
            Payload = left.Payload,
            Phase = PlacementPhase.Submitting,
        };

        // The move is first in the job's line, so a report of the end (queued behind it) finds the job on the worker.
        var marking = new TaskCompletionSource<JobRecord?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var atMs = NowMs;
        _ = placement.Enqueue(async () => marking.TrySetResult(await RecordAsync(
            new JobTransition { JobId = left.JobId, To = JobState.Dispatched, OnlyFrom = [JobState.Queued], AtMs = atMs, Worker = worker.Name })));
        _placements[left.JobId] = placement;
        _queue.Place(left.JobId, left.UserId, worker.Name, left.Requirements);
        _ = Guard(left.JobId, () => TakenBackAsync(placement, marking.Task, presence));
        return true;
    }

    private async Task TakenBackAsync(Placement placement, Task<JobRecord?> marking, WorkerJobPresence presence)
    {
        var moved = await marking.WaitAsync(_stopping);
        if (moved is null)
        {
            // Cancelled (or failed) in the queue meanwhile: nothing to run any more.
            if (placement.TryEnd())
            {
                await ReleaseAsync(placement, ended: null);
            }

            await CancelQuietlyAsync(placement.Worker!, placement.JobId);
            return;
        }

        SchedulingLog.TakenBack(_logger, placement.JobId, placement.WorkerName);
        placement.Record = moved;
        _signals.RaiseChanged(moved);
        if (presence == WorkerJobPresence.Running)
        {
            await placement.Enqueue(() => Guard(placement.JobId, () => StartedAsync(placement, NowMs)));
        }

        if (placement.MarkOnWorker())
        {
            await StopOnWorkerAsync(placement, timedOut: false);
        }
    }

    /// <summary>
    /// The end of a job the worker was left with. Taken while the job is still queued (its requeued copy has not been
    /// dispatched); an interrupted run is not a result (the queued copy runs).
    /// </summary>
    private async Task TakeResultAsync(LeftBehindJob left, WorkerJobOutcome outcome)
    {
        if (outcome.Result == WorkerJobResult.Interrupted)
        {
            SchedulingLog.LeftBehindDropped(_logger, left.JobId, left.Worker.Name, "it was interrupted there");
            return;
        }

        var state = outcome.Result == WorkerJobResult.Succeeded ? JobState.Succeeded : JobState.Failed;
        var summary = OutputSummary.Of(outcome.OutputsJson);
        var moved = await RecordAsync(
            new JobTransition
            {
                JobId = left.JobId,
                To = state,
                OnlyFrom = [JobState.Queued],
                Worker = left.Worker.Name,
                AtMs = NowMs,
                ExecutionStartMs = outcome.ExecutionStartMs,
                ExecutionEndMs = outcome.ExecutionEndMs ?? NowMs,
                ErrorMessage = state == JobState.Failed ? outcome.ErrorMessage ?? $"The job failed on worker '{left.Worker.Name}'." : null,
                ExecutionErrorJson = state == JobState.Failed ? outcome.ExecutionErrorJson : null,
                OutputsCount = summary.Count,
                PreviewOutputJson = summary.PreviewOutputJson,
                OutputTypes = summary.MediaTypes,
                Result = new JobResult { OutputsJson = outcome.OutputsJson, StatusJson = outcome.StatusJson, MetaJson = outcome.MetaJson },
            });
        if (moved is null)
        {
            SchedulingLog.LeftBehindDropped(_logger, left.JobId, left.Worker.Name, "the job is no longer queued (its copy counts)");
            return;
        }

        SchedulingLog.ResultTaken(_logger, left.JobId, left.Worker.Name, moved.State);
        _finished.Add(left.JobId, left.UserId);
        _signals.RaiseChanged(moved);
    }

    private async Task CancelQuietlyAsync(IWorker worker, Guid jobId)
    {
        try
        {
            await worker.CancelAsync(jobId, _stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            SchedulingLog.ReconcileFailed(_logger, worker.Name, jobId, ex.Message);
        }
    }
}
