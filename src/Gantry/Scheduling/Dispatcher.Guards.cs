using System.Globalization;
using Gantry.Jobs;
using Gantry.Workers;

namespace Gantry.Scheduling;

public sealed partial class Dispatcher
{
    private string TimeoutMessage => $"Job exceeded the maximum runtime of {Describe(_options.MaxRuntime)}.";

    /// <summary>Starts the maximum-runtime clock of a job that began executing at <paramref name="startedAtMs"/>.</summary>
    private void StartRuntimeTimer(Placement placement, long startedAtMs)
    {
        if (_options.MaxRuntime <= TimeSpan.Zero || _options.MaxRuntime == Timeout.InfiniteTimeSpan || placement.Ended)
        {
            return;
        }

        var left = _options.MaxRuntime - TimeSpan.FromMilliseconds(NowMs - startedAtMs);
        placement.RuntimeTimer?.Dispose();
        placement.RuntimeTimer = _time.CreateTimer(
            _ => _ = Guard(placement.JobId, () => TimeOutAsync(placement)),
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

        SchedulingLog.TimedOut(_logger, placement.JobId, placement.WorkerName);
        placement.TimedOut = true;
        await StopOnWorkerAsync(placement, timedOut: true);
    }

    /// <summary>
    /// Asks the worker to stop the job; its report ends it. A worker that is gone, offline or fails to answer
    /// does not hold the job hostage: Gantry ends it itself, at once or after <see cref="SchedulerOptions.CancelGrace"/>.
    /// </summary>
    private async Task StopOnWorkerAsync(Placement placement, bool timedOut)
    {
        if (placement.Ended || placement.Phase == PlacementPhase.Submitting)
        {
            // Still being handed over: the dispatch stops it once the worker has it.
            return;
        }

        var (state, message) = timedOut || placement.TimedOut ? (JobState.Failed, TimeoutMessage) : (JobState.Cancelled, (string?)null);
        var worker = placement.Worker;
        if (worker is null || !ReferenceEquals(_pool.Find(placement.WorkerName), worker) || worker.State == WorkerState.Offline)
        {
            if (worker is not null && worker.State == WorkerState.Offline && ReferenceEquals(_pool.Find(placement.WorkerName), worker))
            {
                // Ended here at once; the worker is told to stop the job when it comes back.
                LeaveBehind(placement);
            }

            await placement.Enqueue(() => EndAsync(placement, state, message));
            return;
        }

        try
        {
            await worker.CancelAsync(placement.JobId, _stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            SchedulingLog.ReconcileFailed(_logger, placement.WorkerName, placement.JobId, ex.Message);
            LeaveBehind(placement);
            await placement.Enqueue(() => EndAsync(placement, state, message));
            return;
        }

        if (placement.Ended || placement.GraceTimer is not null)
        {
            return;
        }

        placement.GraceTimer = _time.CreateTimer(
            _ => _ = Guard(placement.JobId, () => placement.Enqueue(async () =>
            {
                if (!placement.Ended)
                {
                    SchedulingLog.GraceExpired(_logger, placement.WorkerName, placement.JobId);
                    var (graceState, graceMessage) = placement.TimedOut ? (JobState.Failed, TimeoutMessage) : (JobState.Cancelled, (string?)null);
                    await EndAsync(placement, graceState, graceMessage);
                }
            })),
            null,
            _options.CancelGrace,
            Timeout.InfiniteTimeSpan);
        if (placement.Ended)
        {
            placement.StopTimers();
        }
    }

    /// <summary>"30 minutes", "2 hours", "90 seconds".</summary>
    internal static string Describe(TimeSpan span)
    {
        static string Unit(double value, string unit) => $"{value.ToString("0.###", CultureInfo.InvariantCulture)} {unit}{(value == 1 ? "" : "s")}";
        if (span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours))
        {
            return Unit(span.TotalHours, "hour");
        }

        return span.TotalMinutes >= 1 && span.TotalMinutes == Math.Floor(span.TotalMinutes)
            ? Unit(span.TotalMinutes, "minute")
            : Unit(span.TotalSeconds, "second");
    }
}
