using Gantry.Jobs;
using Gantry.Workers;

namespace Gantry.Scheduling;

public sealed partial class Dispatcher
{
    /// <summary>
    /// At start: queued jobs join the queue; jobs on a worker keep their slot and wait for that worker to confirm
    /// them (asked once it is online); jobs whose worker no longer exists go back to the queue, attempts permitting.
    /// </summary>
    private async Task LoadActiveJobsAsync(CancellationToken cancellationToken)
    {
        // Workers started before the load: their lanes exist before any job is placed on them.
        foreach (var worker in _pool.LiveWorkers)
        {
            Apply(new Command.WorkerChanged(worker));
        }

        var onWorkers = 0;
        foreach (var job in await _store.ListActiveJobsAsync(cancellationToken))
        {
            if (job.State == JobState.Queued)
            {
                EnqueueJob(new QueuedJob(job.Id, job.UserId, job.Sequence), payload: null);
                continue;
            }

            var name = job.Worker ?? "";
            var placement = new Placement(job.Id, job.UserId, job.Sequence, _pool.Find(name), name)
            {
                Record = job,
                Phase = PlacementPhase.Unconfirmed,
                CancelRequested = job.State == JobState.Cancelling,
            };
            _placements[job.Id] = placement;
            _queue.Place(job.Id, job.UserId, name);
            onWorkers++;
            if (placement.Worker is null)
            {
                _ = placement.Enqueue(() => Guard(job.Id, () => LostAsync(placement, $"worker '{name}' is no longer configured")));
            }
            else if (job is { State: JobState.Running, ExecutionStartMs: { } startedAt })
            {
                StartRuntimeTimer(placement, startedAt);
            }
        }

        foreach (var worker in _pool.LiveWorkers)
        {
            if (worker.State is WorkerState.Online or WorkerState.Draining)
            {
                ReconcileUnconfirmed(worker);
            }
        }

        SchedulingLog.Started(_logger, _queue.QueuedCount, onWorkers);
    }

    /// <summary>Asks an online worker about the jobs it had when Gantry last stopped.</summary>
    private void ReconcileUnconfirmed(IWorker worker)
    {
        foreach (var placement in _placements.Values)
        {
            if (placement.Phase == PlacementPhase.Unconfirmed && ReferenceEquals(placement.Worker, worker) && !placement.Ended)
            {
                placement.Phase = PlacementPhase.Reconciling;
                _ = Guard(placement.JobId, () => ReconcileAsync(placement, worker));
            }
        }
    }

    private async Task ReconcileAsync(Placement placement, IWorker worker)
    {
        WorkerJobPresence presence;
        try
        {
            placement.Payload ??= await _store.GetPayloadAsync(placement.JobId, _stopping);
            if (placement.Payload is null)
            {
                if (placement.TryEnd())
                {
                    await ReleaseAsync(placement, ended: null);
                }

                return;
            }

            presence = await worker.ReconcileAsync(ToWorkerJob(placement), _stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // Asked again when the worker next comes online.
            SchedulingLog.ReconcileFailed(_logger, placement.WorkerName, placement.JobId, ex.Message);
            placement.Phase = PlacementPhase.Unconfirmed;
            return;
        }

        if (presence == WorkerJobPresence.Unknown)
        {
            await placement.Enqueue(() => LostAsync(placement, $"worker '{placement.WorkerName}' no longer knew the job after Gantry restarted"));
            return;
        }

        // Pending or running there (its report will come), or finished (the worker is reporting it now).
        placement.Phase = PlacementPhase.OnWorker;
        if (placement.CancelRequested || placement.TimedOut)
        {
            await StopOnWorkerAsync(placement, placement.TimedOut);
        }
    }

    /// <summary>
    /// A worker was taken out of the pool: its jobs go back to the queue (the move does not count as an attempt), or
    /// end as cancelled if a cancel was asked for, and are then stopped there (best effort; its reports no longer
    /// count). Returns once they are off it.
    /// </summary>
    public async Task EvacuateAsync(IWorker worker, string reason)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var leaving = _placements.Values.Where(p => ReferenceEquals(p.Worker, worker) && !p.Ended).ToList();
        foreach (var placement in leaving)
        {
            _bounces.AddOrUpdate(placement.JobId, 1, (_, count) => count + 1);
            await placement.Enqueue(() => Guard(placement.JobId, () => LostAsync(placement, reason)));
            try
            {
                await worker.CancelAsync(placement.JobId, _stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                SchedulingLog.ReconcileFailed(_logger, placement.WorkerName, placement.JobId, ex.Message);
            }
        }

        Post(new Command.WorkerChanged(worker));
    }

    /// <summary>
    /// A worker went offline: unless it is back within <see cref="SchedulerOptions.WorkerOfflineGrace"/>, the jobs it
    /// holds go back to the queue (<see cref="LostAsync"/>: attempts permitting, at their place in their owner's line).
    /// </summary>
    private void StartOfflineClock(IWorker worker)
    {
        if (_offline.ContainsKey(worker.Name))
        {
            return;
        }

        ITimer? timer = null;
        timer = _time.CreateTimer(_ => OfflineGraceExpired(worker, timer!), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_offline.TryAdd(worker.Name, timer))
        {
            timer.Change(_options.WorkerOfflineGrace, Timeout.InfiniteTimeSpan);
        }
        else
        {
            timer.Dispose();
        }
    }

    private void StopOfflineClock(string worker)
    {
        if (_offline.TryRemove(worker, out var timer))
        {
            timer.Dispose();
        }
    }

    /// <summary>
    /// Requeues what a still-offline worker holds, and remembers that the worker was left with it: when it comes back,
    /// its run is taken back, its result taken, or it is stopped there (see Dispatcher.Returning), so the job runs once.
    /// </summary>
    private void OfflineGraceExpired(IWorker worker, ITimer timer)
    {
        // Only the clock still set for this outage counts (a worker back and gone again has a new one).
        if (!_offline.TryRemove(new KeyValuePair<string, ITimer>(worker.Name, timer)))
        {
            return;
        }

        timer.Dispose();
        if (!ReferenceEquals(_pool.Find(worker.Name), worker) || worker.State != WorkerState.Offline)
        {
            return;
        }

        var held = _placements.Values
            .Where(p => ReferenceEquals(p.Worker, worker) && !p.Ended && p.Phase != PlacementPhase.Submitting)
            .ToList();
        foreach (var placement in held)
        {
            SchedulingLog.Lost(_logger, worker.Name, placement.JobId, "offline past the grace period");
            LeaveBehind(placement);
            _ = placement.Enqueue(() => Guard(placement.JobId, () => LostAsync(placement, $"worker '{worker.Name}' was offline for more than {Describe(_options.WorkerOfflineGrace)}")));
        }
    }
}
