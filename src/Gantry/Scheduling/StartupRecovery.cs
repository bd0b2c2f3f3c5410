using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// Jobs found on workers when the dispatcher starts: each keeps its slot and waits for its worker to confirm it
/// (asked once the worker is online); a job whose worker no longer exists goes back to the queue, attempts
/// permitting. Also takes the jobs off a worker removed from the pool.
/// </summary>
internal sealed class StartupRecovery(DispatchContext context, JobEnding ending, JobGuards guards)
{
    /// <summary>On the loop, at start: tracks a job the store has on a worker. The caller counts its slot.</summary>
    public Placement Adopt(JobRecord job)
    {
        var name = job.Worker ?? "";
        var placement = new Placement(job.Id, job.UserId, job.Sequence, context.Pool.Find(name), name)
        {
            Record = job,
            Phase = PlacementPhase.Unconfirmed,
            CancelRequested = job.State == JobState.Cancelling,
        };
        context.Placements.Add(placement);
        if (placement.Worker is null)
        {
            context.Work.Track(placement.Enqueue(() => context.Work.Guard(job.Id, () => ending.LostAsync(placement, $"worker '{name}' is no longer configured"))));
        }
        else if (job is { State: JobState.Running, ExecutionStartMs: { } startedAt })
        {
            guards.StartRuntimeTimer(placement, startedAt);
        }

        return placement;
    }

    /// <summary>Asks an online worker about the jobs it had when Gantry last stopped.</summary>
    public void ReconcileUnconfirmed(IWorker worker)
    {
        foreach (var placement in context.Placements.On(worker))
        {
            if (placement.Phase == PlacementPhase.Unconfirmed)
            {
                placement.Phase = PlacementPhase.Reconciling;
                context.Work.Run(placement.JobId, () => ReconcileAsync(placement, worker));
            }
        }
    }

    private async Task ReconcileAsync(Placement placement, IWorker worker)
    {
        WorkerJobPresence presence;
        try
        {
            placement.Payload ??= await context.Store.GetPayloadAsync(placement.JobId, context.Stopping);
            if (placement.Payload is null)
            {
                if (placement.TryEnd())
                {
                    await ending.ReleaseAsync(placement, ended: null);
                }

                return;
            }

            presence = await worker.ReconcileAsync(context.ToWorkerJob(placement), context.Stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.Stopping.IsCancellationRequested)
        {
            // Asked again when the worker next comes online.
            SchedulingLog.ReconcileFailed(context.Logger, placement.WorkerName, placement.JobId, ex.Message);
            placement.Phase = PlacementPhase.Unconfirmed;
            return;
        }

        if (presence == WorkerJobPresence.Unknown)
        {
            await placement.Enqueue(() => ending.LostAsync(placement, $"worker '{placement.WorkerName}' no longer knew the job after Gantry restarted"));
            return;
        }

        // Pending or running there (its report will come), or finished (the worker is reporting it now).
        placement.Phase = PlacementPhase.OnWorker;
        if (placement.CancelRequested || placement.TimedOut)
        {
            await guards.StopOnWorkerAsync(placement, placement.TimedOut);
        }
    }

    /// <summary>
    /// A worker was taken out of the pool: its jobs go back to the queue (the move does not count as an attempt), or
    /// end as cancelled if a cancel was asked for, and are then stopped there (best effort; its reports no longer
    /// count). Returns once they are off it.
    /// </summary>
    public async Task EvacuateAsync(IWorker worker, string reason)
    {
        foreach (var placement in context.Placements.On(worker))
        {
            context.CountBounce(placement.JobId);
            await placement.Enqueue(() => context.Work.Guard(placement.JobId, () => ending.LostAsync(placement, reason)));
            await context.CancelQuietlyAsync(worker, placement.JobId);
        }

        context.Post(new SchedulerCommand.WorkerChanged(worker));
    }
}
