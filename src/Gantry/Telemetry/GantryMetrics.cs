using System.Diagnostics.Metrics;
using Gantry.Domain;

namespace Gantry.Telemetry;

/// <summary>
/// Gantry's own metrics on one <see cref="Meter"/> named <see cref="MeterName"/> (System.Diagnostics.Metrics; the
/// Prometheus exporter is wired in hosting only). Counters count what this instance did: sum them over instances.
/// Gauges of the queue and the leader are set by hosting (<c>Hosting/Metrics</c>).
/// </summary>
public sealed class GantryMetrics
{
    public const string MeterName = "Gantry";

    private readonly Counter<long> _submitted;
    private readonly Counter<long> _ended;
    private readonly Histogram<double> _wait;
    private readonly Histogram<double> _run;
    private readonly Counter<long> _leadership;

    public GantryMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        _submitted = Meter.CreateCounter<long>("gantry.jobs.submitted", "{job}", "Jobs accepted by this instance.");
        _ended = Meter.CreateCounter<long>("gantry.jobs.ended", "{job}", "Jobs that reached an end state on this instance, by state.");
        _wait = Meter.CreateHistogram<double>("gantry.jobs.wait.duration", "s", "Time from submit to the start of execution.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600] });
        _run = Meter.CreateHistogram<double>("gantry.jobs.run.duration", "s", "Time from the start of execution to the end.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600] });
        _leadership = Meter.CreateCounter<long>("gantry.leadership.changes", "{change}", "Times this instance started or stopped leading the dispatcher.");
    }

    /// <summary>The meter, for the gauges hosting adds.</summary>
    public Meter Meter { get; }

    public void JobSubmitted() => _submitted.Add(1);

    /// <summary>A committed change of a job on this instance: its start feeds the wait histogram, its end the end counter and the run histogram.</summary>
    public void JobChanged(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.State == JobState.Running)
        {
            _wait.Record(Seconds((job.ExecutionStartMs ?? job.StateChangedAtMs) - job.CreatedAtMs));
        }
        else if (JobStateMachine.IsTerminal(job.State))
        {
            _ended.Add(1, new KeyValuePair<string, object?>("state", StateName(job.State)));
            if (job.ExecutionStartMs is { } start && job.ExecutionEndMs is { } end)
            {
                _run.Record(Seconds(end - start));
            }
        }
    }

    /// <summary>This instance started (<paramref name="leading"/>) or stopped leading.</summary>
    public void LeadershipChanged(bool leading) =>
        _leadership.Add(1, new KeyValuePair<string, object?>("to", leading ? "leader" : "follower"));

    /// <summary>The lowercase state name used as a label.</summary>
    public static string StateName(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Dispatched => "dispatched",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        JobState.Cancelling => "cancelling",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static double Seconds(long ms) => Math.Max(0, ms) / 1000.0;
}
