using System.Collections.Concurrent;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// One clock per offline worker: unless it is back within <see cref="SchedulerOptions.WorkerOfflineGrace"/>, the jobs
/// it holds go back to the queue (<see cref="JobEnding.LostAsync"/>: attempts permitting, at their place in their
/// owner's line), and the worker is remembered as left holding them (<see cref="LeftBehindJobs"/>), so that when it
/// comes back its run is taken back, its result taken, or it is told to stop (<see cref="WorkerReturns"/>).
/// </summary>
internal sealed class OfflineClocks(DispatchContext context, JobEnding ending) : IDisposable
{
    private readonly ConcurrentDictionary<string, ITimer> _clocks = new(StringComparer.Ordinal);

    public void Start(IWorker worker)
    {
        if (_clocks.ContainsKey(worker.Name))
        {
            return;
        }

        ITimer? timer = null;
        timer = context.Time.CreateTimer(_ => Expired(worker, timer!), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_clocks.TryAdd(worker.Name, timer))
        {
            timer.Change(context.Options.WorkerOfflineGrace, Timeout.InfiniteTimeSpan);
        }
        else
        {
            timer.Dispose();
        }
    }

    public void Stop(string worker)
    {
        if (_clocks.TryRemove(worker, out var timer))
        {
            timer.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var timer in _clocks.Values)
        {
            timer.Dispose();
        }
    }

    private void Expired(IWorker worker, ITimer timer)
    {
        // Only the clock still set for this outage counts (a worker back and gone again has a new one).
        if (!_clocks.TryRemove(new KeyValuePair<string, ITimer>(worker.Name, timer)))
        {
            return;
        }

        timer.Dispose();
        if (!ReferenceEquals(context.Pool.Find(worker.Name), worker) || worker.State != WorkerState.Offline)
        {
            return;
        }

        var reason = $"worker '{worker.Name}' was offline for more than {Durations.Describe(context.Options.WorkerOfflineGrace)}";
        foreach (var placement in context.Placements.On(worker).Where(p => p.Phase != PlacementPhase.Submitting))
        {
            SchedulingLog.Lost(context.Logger, worker.Name, placement.JobId, "offline past the grace period");
            context.LeaveBehind(placement);
            context.Work.Track(placement.Enqueue(() => context.Work.Guard(placement.JobId, () => ending.LostAsync(placement, reason))));
        }
    }
}
