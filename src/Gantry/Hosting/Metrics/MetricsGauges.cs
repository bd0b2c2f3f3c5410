using System.Diagnostics.Metrics;
using Gantry.Jobs;
using Gantry.Scheduling;
using Gantry.Telemetry;
using Gantry.Workers;

namespace Gantry.Hosting.Metrics;

/// <summary>
/// Connects <see cref="GantryMetrics"/> to the running parts: every committed job change on this instance, and gauges
/// of the dispatcher's queue (on the leader only, so summing over instances counts it once), the workers by state,
/// their slots, and whether this instance leads. The queue is read from the dispatcher's loop before each scrape
/// (<see cref="RefreshAsync"/>), so a scrape sees the queue as it is.
/// </summary>
internal sealed class MetricsGauges : IHostedService
{
    private static readonly TimeSpan SnapshotBound = TimeSpan.FromSeconds(2);

    private readonly GantryMetrics _metrics;
    private readonly JobSignals _signals;
    private readonly Dispatcher _dispatcher;
    private readonly WorkerPool _pool;
    private volatile SchedulerSnapshot? _queue;

    public MetricsGauges(GantryMetrics metrics, JobSignals signals, Dispatcher dispatcher, WorkerPool pool)
    {
        _metrics = metrics;
        _signals = signals;
        _dispatcher = dispatcher;
        _pool = pool;
        var meter = metrics.Meter;
        meter.CreateObservableGauge("gantry.queue.depth", QueueDepth, "{job}", "Jobs waiting for a worker (queued), and jobs on workers, as the leader's dispatcher counts them.");
        meter.CreateObservableGauge("gantry.workers", WorkersByState, "{worker}", "Workers of this instance by state.");
        meter.CreateObservableGauge("gantry.worker.slots.used", () => _pool.Workers.Sum(w => w.Running), "{slot}", "Jobs on this instance's workers.");
        meter.CreateObservableGauge("gantry.worker.slots", () => _pool.Workers.Sum(w => w.Slots), "{slot}", "Job slots of this instance's workers.");
        meter.CreateObservableGauge("gantry.leader", () => _dispatcher.IsLeading ? 1 : 0, "{instance}", "1 while this instance leads the dispatcher.");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _signals.Changed += _metrics.JobChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _signals.Changed -= _metrics.JobChanged;
        return Task.CompletedTask;
    }

    /// <summary>Reads the queue from the dispatcher's loop (when this instance leads), for the scrape that follows.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (!_dispatcher.IsLeading)
        {
            _queue = null;
            return;
        }

        try
        {
            _queue = await _dispatcher.SnapshotAsync().WaitAsync(SnapshotBound, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The loop is busy: the scrape shows the last numbers read.
        }
    }

    private IEnumerable<Measurement<int>> QueueDepth()
    {
        if (_queue is { } queue && _dispatcher.IsLeading)
        {
            yield return new Measurement<int>(queue.Queued, new KeyValuePair<string, object?>("state", "queued"));
            yield return new Measurement<int>(queue.OnWorkers, new KeyValuePair<string, object?>("state", "on_workers"));
        }
    }

    private IEnumerable<Measurement<int>> WorkersByState()
    {
        var workers = _pool.Workers;
        foreach (var state in Enum.GetValues<WorkerState>())
        {
            yield return new Measurement<int>(
                workers.Count(w => w.State == state), new KeyValuePair<string, object?>("state", state.ToString().ToLowerInvariant()));
        }
    }
}
