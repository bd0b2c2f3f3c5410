using System.Collections.Concurrent;

namespace Gantry.Scheduling;

/// <summary>
/// The dispatcher's work that runs beside its loop (store writes, worker calls, timers firing): every piece is
/// tracked until it ends, a failure is logged (never lost silently), and <see cref="DrainAsync"/> waits, within a
/// bound, for what is still running when the dispatcher stops, so nothing touches the store or a worker after it.
/// </summary>
internal sealed class BackgroundWork(ILogger logger, TimeProvider time)
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private CancellationToken _stopping;

    /// <summary>Cancelled when the dispatcher stops; the token every piece of work runs with.</summary>
    public CancellationToken Stopping => _stopping;

    /// <summary>Pieces still running.</summary>
    public int Count => _running.Count;

    public void Start(CancellationToken stopping) => _stopping = stopping;

    /// <summary>Starts <paramref name="work"/> for a job without waiting for it.</summary>
    public void Run(Guid jobId, Func<Task> work) => Track(Guard(jobId, work));

    /// <summary>Runs <paramref name="work"/>; the returned task never faults (a failure is logged) and is tracked.</summary>
    public Task Guard(Guid jobId, Func<Task> work) => Track(GuardAsync(jobId, work));

    /// <summary>Tracks a task started elsewhere (a piece queued in a job's line) until it ends.</summary>
    public Task Track(Task task)
    {
        if (task.IsCompleted)
        {
            Observe(task);
            return task;
        }

        _running.TryAdd(task, 0);
        _ = task.ContinueWith(
            done =>
            {
                _running.TryRemove(done, out _);
                Observe(done);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }

    /// <summary>
    /// Waits until nothing is running (work started meanwhile included) or <paramref name="bound"/> passed; returns
    /// whether everything ended. Call once the loop has stopped and <see cref="Stopping"/> is cancelled.
    /// </summary>
    public async Task<bool> DrainAsync(TimeSpan bound)
    {
        var deadline = time.GetUtcNow() + bound;
        while (!_running.IsEmpty)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                SchedulingLog.DrainTimedOut(logger, _running.Count, bound);
                return false;
            }

            try
            {
                await Task.WhenAll(_running.Keys).WaitAsync(left, time);
            }
            catch (TimeoutException)
            {
                // Checked at the top.
            }
            catch (Exception)
            {
                // Each failure was logged by Observe.
            }
        }

        return true;
    }

    private async Task GuardAsync(Guid jobId, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            SchedulingLog.WorkFailed(logger, jobId, ex);
        }
    }

    private void Observe(Task task)
    {
        if (task.IsFaulted && !(task.Exception?.InnerException is OperationCanceledException && _stopping.IsCancellationRequested))
        {
            SchedulingLog.WorkFailed(logger, Guid.Empty, task.Exception!);
        }
    }
}
