using System.Collections.Concurrent;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// Workers that said they cannot take a job now: each is left alone (on the loop) until it reports a change or
/// <see cref="Duration"/> passes. The timers are kept referenced until they fire: an unreferenced timer may be
/// collected before it does, and the worker would stay paused.
/// </summary>
internal sealed class WorkerPauses(DispatchContext context) : IDisposable
{
    /// <summary>How long a worker that said it cannot take a job is left alone.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<object, ITimer> _timers = new();

    public void Pause(IWorker worker)
    {
        context.Post(new SchedulerCommand.WorkerPaused(worker));
        var key = new object();
        var timer = context.Time.CreateTimer(
            _ =>
            {
                if (_timers.TryRemove(key, out var fired))
                {
                    fired.Dispose();
                }

                context.Post(new SchedulerCommand.WorkerChanged(worker));
            },
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        _timers[key] = timer;
        timer.Change(Duration, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        foreach (var timer in _timers.Values)
        {
            timer.Dispose();
        }
    }
}
