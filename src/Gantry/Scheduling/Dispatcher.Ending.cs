using Gantry.Domain;
using Gantry.Events;
using Gantry.Outputs;
using Gantry.Workers;

namespace Gantry.Scheduling;

public sealed partial class Dispatcher
{
    /// <summary>The worker's report of the end: results, summary, times, errors, as one terminal write.</summary>
    private async Task FinishAsync(Placement placement, WorkerJobOutcome outcome)
    {
        if (!placement.TryEnd())
        {
            return;
        }

        var (state, message) = outcome.Result switch
        {
            WorkerJobResult.Succeeded => (JobState.Succeeded, null),
            WorkerJobResult.Failed => (JobState.Failed, outcome.ErrorMessage ?? $"The job failed on worker '{placement.WorkerName}'."),
            _ when placement.TimedOut => (JobState.Failed, TimeoutMessage),
            // A cancel asked for keeps its own reason; an interrupt nobody here asked for says where it happened.
            _ => (JobState.Cancelled, placement.CancelRequested ? null : outcome.ErrorMessage ?? $"Interrupted on worker '{placement.WorkerName}'."),
        };

        var summary = OutputSummary.Of(outcome.OutputsJson);
        var moved = await RecordAsync(
            new JobTransition
            {
                JobId = placement.JobId,
                To = state,
                OnlyFrom = JobStateMachine.OnWorkerStates,
                OnlyOnWorker = placement.WorkerName,
                AtMs = NowMs,
                ExecutionStartMs = outcome.ExecutionStartMs,
                ExecutionEndMs = outcome.ExecutionEndMs ?? NowMs,
                ErrorMessage = message,
                ExecutionErrorJson = state == JobState.Failed ? outcome.ExecutionErrorJson : null,
                OutputsCount = summary.Count,
                PreviewOutputJson = summary.PreviewOutputJson,
                OutputTypes = summary.MediaTypes,
                Result = new JobResult { OutputsJson = outcome.OutputsJson, StatusJson = outcome.StatusJson, MetaJson = outcome.MetaJson },
            });
        await EndedAsync(placement, moved);
    }

    /// <summary>The worker lost the job: requeued while attempts remain, else failed naming the worker and the cause.</summary>
    private async Task LostAsync(Placement placement, string reason)
    {
        if (placement.Ended)
        {
            return;
        }

        JobRecord? current;
        try
        {
            current = await _store.GetJobAsync(placement.JobId, _stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            SchedulingLog.WorkFailed(_logger, placement.JobId, ex);
            current = placement.Record;
        }

        if (current is null || JobStateMachine.IsTerminal(current.State) || current.Worker != placement.WorkerName)
        {
            if (placement.TryEnd())
            {
                await ReleaseAsync(placement, ended: null);
            }

            return;
        }

        if (current.State == JobState.Cancelling || placement.CancelRequested)
        {
            await EndAsync(placement, JobState.Cancelled, null);
        }
        else if (placement.TimedOut)
        {
            await EndAsync(placement, JobState.Failed, TimeoutMessage);
        }
        else if (CountedAttempts(current) < _options.MaxAttempts)
        {
            await RequeueAsync(placement);
        }
        else
        {
            var attempts = CountedAttempts(current);
            await EndAsync(
                placement,
                JobState.Failed,
                $"Worker '{placement.WorkerName}' lost the job: {reason}. Gave up after {attempts} attempt{(attempts == 1 ? "" : "s")}.");
        }
    }

    /// <summary>Back to the queue, at its old place in its owner's line.</summary>
    private async Task RequeueAsync(Placement placement)
    {
        if (!placement.TryEnd())
        {
            return;
        }

        var moved = await RecordAsync(
            new JobTransition
            {
                JobId = placement.JobId,
                To = JobState.Queued,
                OnlyFrom = [JobState.Dispatched, JobState.Running],
                OnlyOnWorker = placement.WorkerName,
                AtMs = NowMs,
                ResetExecution = true,
            });
        if (moved is null)
        {
            // A cancel got there first: the job never needs to run again.
            var cancelled = await RecordAsync(
                new JobTransition { JobId = placement.JobId, To = JobState.Cancelled, OnlyFrom = [JobState.Cancelling], OnlyOnWorker = placement.WorkerName, AtMs = NowMs });
            await EndedAsync(placement, cancelled);
            return;
        }

        _signals.RaiseQueued(moved);
        await ReleaseAsync(placement, ended: null, requeue: true);
    }

    /// <summary>Gantry ends the job itself (refused, timed out, cancelled on a worker that is gone or silent).</summary>
    private async Task EndAsync(Placement placement, JobState state, string? message)
    {
        if (!placement.TryEnd())
        {
            return;
        }

        var moved = await RecordAsync(
            new JobTransition
            {
                JobId = placement.JobId,
                To = state,
                OnlyFrom = JobStateMachine.OnWorkerStates,
                OnlyOnWorker = placement.WorkerName,
                AtMs = NowMs,
                ExecutionEndMs = NowMs,
                ErrorMessage = message,
            });
        if (moved is null)
        {
            await EndedAsync(placement, moved);
            return;
        }

        // The worker will not say it ended: the owner's sockets hear it from Gantry, as ComfyUI would say it, and
        // whatever the worker still sends about the job is dropped (it is no longer followed).
        SchedulingLog.Ended(_logger, placement.JobId, placement.WorkerName, moved.State);
        _signals.RaiseChanged(moved);
        _hub.Publish(placement.UserId, moved.State == JobState.Failed
            ? JobEndFrames.ExecutionError(placement.JobId, moved.ErrorMessage ?? $"The job failed on worker '{placement.WorkerName}'.", moved.StateChangedAtMs)
            : JobEndFrames.ExecutionInterrupted(placement.JobId, moved.StateChangedAtMs));
        _hub.Publish(placement.UserId, JobEndFrames.Done(placement.JobId));
        await ReleaseAsync(placement, ended: null);
    }

    /// <summary>
    /// Writes the end of a job's stay on a worker. A store failure is logged and counts as "nothing written": the slot
    /// is freed all the same, and the job's row is put right when the dispatcher next starts and reconciles it.
    /// </summary>
    private async Task<JobRecord?> RecordAsync(JobTransition transition)
    {
        try
        {
            return await _store.TransitionAsync(transition, _stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            SchedulingLog.WorkFailed(_logger, transition.JobId, ex);
            return null;
        }
    }

    private async Task EndedAsync(Placement placement, JobRecord? moved)
    {
        if (moved is not null)
        {
            SchedulingLog.Ended(_logger, placement.JobId, placement.WorkerName, moved.State);
            _signals.RaiseChanged(moved);
        }

        await ReleaseAsync(placement, moved);
    }

    /// <summary>
    /// The job left its worker: stop tracking it, keep its owner for the worker's last message, and free the slot.
    /// Returns once the loop has counted the slot free.
    /// </summary>
    private async Task ReleaseAsync(Placement placement, JobRecord? ended, bool requeue = false)
    {
        Forget(placement);
        if (ended is not null)
        {
            _finished.Add(placement.JobId, placement.UserId);
        }

        if (!requeue)
        {
            _bounces.TryRemove(placement.JobId, out _);
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new Command.Released(placement.JobId, requeue ? placement.ToQueuedJob() : null, requeue ? placement.Payload : null, done));
        await done.Task.WaitAsync(_stopping);
    }

    private void Forget(Placement placement)
    {
        _placements.TryRemove(new KeyValuePair<Guid, Placement>(placement.JobId, placement));
        placement.StopTimers();
    }
}
