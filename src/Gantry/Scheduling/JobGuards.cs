using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// Guards a job on a worker: records its start and runs its maximum-runtime clock, and stops it there (a cancel or
/// a timeout). A worker that is gone, offline or does not answer does not hold the job hostage: Gantry ends it
/// itself, at once or after <see cref="SchedulerOptions.CancelGrace"/>, and the worker is told when it is back.
/// </summary>
internal sealed class JobGuards(DispatchContext context, JobEnding ending)
{
    /// <summary>The worker began executing the job: running in the store, and the runtime clock starts.</summary>
    public async Task StartedAsync(Placement placement, long atMs)
    {
        if (placement.Ended)
        {
            return;
        }

        var moved = await context.Store.TransitionAsync(
            new JobTransition
            {
                JobId = placement.JobId,
                To = JobState.Running,
                OnlyFrom = [JobState.Dispatched],
                OnlyOnWorker = placement.WorkerName,
                AtMs = context.NowMs,
                ExecutionStartMs = atMs,
            },
            context.Stopping);
        if (moved is not null)
        {
            placement.Record = moved;
            context.Signals.RaiseChanged(moved);
        }

        StartRuntimeTimer(placement, atMs);
    }

    /// <summary>Starts the maximum-runtime clock of a job that began executing at <paramref name="startedAtMs"/>.</summary>
    public void StartRuntimeTimer(Placement placement, long startedAtMs)
    {
        var maxRuntime = context.Options.MaxRuntime;
        if (maxRuntime <= TimeSpan.Zero || maxRuntime == Timeout.InfiniteTimeSpan || placement.Ended)
        {
            return;
        }

        var left = maxRuntime - TimeSpan.FromMilliseconds(context.NowMs - startedAtMs);
        placement.RuntimeTimer?.Dispose();
        placement.RuntimeTimer = context.Time.CreateTimer(
            _ => context.Work.Run(placement.JobId, () => TimeOutAsync(placement)),
            null,
            left > TimeSpan.Zero ? left : TimeSpan.Zero,
            Timeout.InfiniteTimeSpan);
        if (placement.Ended)
        {
            placement.StopTimers();
        }
    }

    private async Task TimeOutAsync(Placement placement)
    {
        if (placement.Ended)
        {
            return;
        }

        SchedulingLog.TimedOut(context.Logger, placement.JobId, placement.WorkerName);
        placement.TimedOut = true;
        await StopOnWorkerAsync(placement, timedOut: true);
    }

    /// <summary>
    /// Asks the worker to stop the job; its report ends it. A worker that is gone, offline or fails to answer
    /// does not hold the job hostage: Gantry ends it itself, at once or after <see cref="SchedulerOptions.CancelGrace"/>.
    /// </summary>
    public async Task StopOnWorkerAsync(Placement placement, bool timedOut)
    {
        if (placement.Ended || placement.Phase == PlacementPhase.Submitting)
        {
            // Still being handed over: the dispatch stops it once the worker has it.
            return;
        }

        var (state, message) = timedOut || placement.TimedOut ? (JobState.Failed, ending.TimeoutMessage) : (JobState.Cancelled, (string?)null);
        var worker = placement.Worker;
        var inPool = worker is not null && ReferenceEquals(context.Pool.Find(placement.WorkerName), worker);
        if (!inPool || worker!.State == WorkerState.Offline)
        {
            if (inPool)
            {
                // Ended here at once; the worker is told to stop the job when it comes back.
                context.LeaveBehind(placement);
            }

            await placement.Enqueue(() => ending.EndAsync(placement, state, message));
            return;
        }

        try
        {
            await worker.CancelAsync(placement.JobId, context.Stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.Stopping.IsCancellationRequested)
        {
            SchedulingLog.ReconcileFailed(context.Logger, placement.WorkerName, placement.JobId, ex.Message);
            context.LeaveBehind(placement);
            await placement.Enqueue(() => ending.EndAsync(placement, state, message));
            return;
        }

        if (placement.Ended || placement.GraceTimer is not null)
        {
            return;
        }

        placement.GraceTimer = context.Time.CreateTimer(
            _ => context.Work.Track(placement.Enqueue(() => context.Work.Guard(placement.JobId, () => GraceExpiredAsync(placement)))),
            null,
            context.Options.CancelGrace,
            Timeout.InfiniteTimeSpan);
        if (placement.Ended)
        {
            placement.StopTimers();
        }
    }

    private async Task GraceExpiredAsync(Placement placement)
    {
        if (!placement.Ended)
        {
            SchedulingLog.GraceExpired(context.Logger, placement.WorkerName, placement.JobId);
            var (state, message) = placement.TimedOut ? (JobState.Failed, ending.TimeoutMessage) : (JobState.Cancelled, (string?)null);
            await ending.EndAsync(placement, state, message);
        }
    }
}
