using Gantry.Domain;
using Gantry.Events;
using Gantry.Outputs;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// Ends a job's stay on a worker, once: the worker's reported end (results committed in one terminal write), a lost
/// job (requeued at its old place, attempts permitting), or an end Gantry decides itself (refused, timed out,
/// cancelled on a worker that is gone or silent, announced to the owner's sockets as ComfyUI would). Then frees the
/// slot on the loop. Every committed change is announced on <see cref="Gantry.Jobs.JobSignals"/>.
/// </summary>
internal sealed class JobEnding(DispatchContext context)
{
    public string TimeoutMessage => $"Job exceeded the maximum runtime of {Durations.Describe(context.Options.MaxRuntime)}.";

    /// <summary>The worker's report of the end: results, summary, times, errors, as one terminal write.</summary>
    public async Task FinishAsync(Placement placement, WorkerJobOutcome outcome)
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
                AtMs = context.NowMs,
                ExecutionStartMs = outcome.ExecutionStartMs,
                ExecutionEndMs = outcome.ExecutionEndMs ?? context.NowMs,
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
    public async Task LostAsync(Placement placement, string reason)
    {
        if (placement.Ended)
        {
            return;
        }

        JobRecord? current;
        try
        {
            current = await context.Store.GetJobAsync(placement.JobId, context.Stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.Stopping.IsCancellationRequested)
        {
            SchedulingLog.WorkFailed(context.Logger, placement.JobId, ex);
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

        var attempts = context.CountedAttempts(current);
        if (current.State == JobState.Cancelling || placement.CancelRequested)
        {
            await EndAsync(placement, JobState.Cancelled, null);
        }
        else if (placement.TimedOut)
        {
            await EndAsync(placement, JobState.Failed, TimeoutMessage);
        }
        else if (attempts < context.Options.MaxAttempts)
        {
            await RequeueAsync(placement);
        }
        else
        {
            await EndAsync(
                placement,
                JobState.Failed,
                $"Worker '{placement.WorkerName}' lost the job: {reason}. Gave up after {attempts} attempt{(attempts == 1 ? "" : "s")}.");
        }
    }

    /// <summary>Back to the queue, at its old place in its owner's line.</summary>
    public async Task RequeueAsync(Placement placement)
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
                AtMs = context.NowMs,
                ResetExecution = true,
            });
        if (moved is null)
        {
            // A cancel got there first: the job never needs to run again.
            var cancelled = await RecordAsync(
                new JobTransition { JobId = placement.JobId, To = JobState.Cancelled, OnlyFrom = [JobState.Cancelling], OnlyOnWorker = placement.WorkerName, AtMs = context.NowMs });
            await EndedAsync(placement, cancelled);
            return;
        }

        context.Signals.RaiseQueued(moved);
        await ReleaseAsync(placement, ended: null, requeue: true);
    }

    /// <summary>Gantry ends the job itself (refused, timed out, cancelled on a worker that is gone or silent).</summary>
    public async Task EndAsync(Placement placement, JobState state, string? message)
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
                AtMs = context.NowMs,
                ExecutionEndMs = context.NowMs,
                ErrorMessage = message,
            });
        if (moved is null)
        {
            await EndedAsync(placement, moved);
            return;
        }

        // The worker will not say it ended: the owner's sockets hear it from Gantry, as ComfyUI would say it, and
        // whatever the worker still sends about the job is dropped (it is no longer followed).
        SchedulingLog.Ended(context.Logger, placement.JobId, placement.WorkerName, moved.State);
        context.Signals.RaiseChanged(moved);
        context.Hub.Publish(placement.UserId, moved.State == JobState.Failed
            ? JobEndFrames.ExecutionError(placement.JobId, moved.ErrorMessage ?? $"The job failed on worker '{placement.WorkerName}'.", moved.StateChangedAtMs)
            : JobEndFrames.ExecutionInterrupted(placement.JobId, moved.StateChangedAtMs));
        context.Hub.Publish(placement.UserId, JobEndFrames.Done(placement.JobId));
        await ReleaseAsync(placement, ended: null);
    }

    /// <summary>A queued job that can never run fails with the reason.</summary>
    public async Task FailUnrunnableAsync(Guid jobId, string reason)
    {
        SchedulingLog.Unrunnable(context.Logger, jobId, reason);
        var moved = await context.Store.TransitionAsync(
            new JobTransition { JobId = jobId, To = JobState.Failed, OnlyFrom = [JobState.Queued], AtMs = context.NowMs, ErrorMessage = reason },
            context.Stopping);
        if (moved is not null)
        {
            context.Signals.RaiseChanged(moved);
        }
    }

    /// <summary>
    /// Writes a transition. A store failure is logged and counts as "nothing written": the slot is freed all the
    /// same, and the job's row is put right when the dispatcher next starts and reconciles it.
    /// </summary>
    public async Task<JobRecord?> RecordAsync(JobTransition transition)
    {
        try
        {
            return await context.Store.TransitionAsync(transition, context.Stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.Stopping.IsCancellationRequested)
        {
            SchedulingLog.WorkFailed(context.Logger, transition.JobId, ex);
            return null;
        }
    }

    public async Task EndedAsync(Placement placement, JobRecord? moved)
    {
        if (moved is not null)
        {
            SchedulingLog.Ended(context.Logger, placement.JobId, placement.WorkerName, moved.State);
            context.Signals.RaiseChanged(moved);
        }

        await ReleaseAsync(placement, moved);
    }

    /// <summary>
    /// The job left its worker: stop tracking it, keep its owner for the worker's last message, and free the slot.
    /// Returns once the loop has counted the slot free.
    /// </summary>
    public async Task ReleaseAsync(Placement placement, JobRecord? ended, bool requeue = false)
    {
        context.Placements.Forget(placement);
        if (ended is not null)
        {
            context.Finished.Add(placement.JobId, placement.UserId);
        }

        if (!requeue)
        {
            context.Bounces.TryRemove(placement.JobId, out _);
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Post(new SchedulerCommand.Released(placement.JobId, requeue ? placement.ToQueuedJob() : null, requeue ? placement.Payload : null, done));
        await done.Task.WaitAsync(context.Stopping);
    }
}
