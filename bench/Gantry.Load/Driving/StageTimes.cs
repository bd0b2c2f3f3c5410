using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Gantry.Domain;
using Gantry.Jobs;

namespace Gantry.Load.Driving;

/// <summary>
/// Where a job's time goes between its submit and its end: the moments Gantry committed each state (from
/// <see cref="JobSignals.Changed"/>, raised after each commit), kept per job, summarised as medians per stage.
/// </summary>
public sealed class StageTimes
{
    private static readonly string[] Stages = ["submit sent → queued committed", "queued → dispatched", "dispatched → running", "running → ended"];
    private readonly ConcurrentDictionary<Guid, long[]> _jobs = new();
    private readonly ConcurrentBag<long[]> _finished = [];

    /// <summary>Starts timing a job (call just before its submit is sent).</summary>
    public void Submitting(Guid jobId)
    {
        var stamps = new long[5];
        stamps[0] = Stopwatch.GetTimestamp();
        _jobs[jobId] = stamps;
    }

    public void Forget(Guid jobId) => _jobs.TryRemove(jobId, out _);

    /// <summary>Records a committed state change (hook on <see cref="JobSignals.Changed"/>).</summary>
    public void Changed(JobRecord job)
    {
        var index = job.State switch
        {
            JobState.Queued => 1,
            JobState.Dispatched => 2,
            JobState.Running => 3,
            _ when JobStateMachine.IsTerminal(job.State) => 4,
            _ => -1,
        };
        if (index < 0 || !_jobs.TryGetValue(job.Id, out var stamps))
        {
            return;
        }

        stamps[index] = Stopwatch.GetTimestamp();
        if (index == 4 && _jobs.TryRemove(job.Id, out _))
        {
            _finished.Add(stamps);
        }
    }

    /// <summary>Medians of each stage over the jobs finished since the last call, in one line; then starts over.</summary>
    public string TakeSummary()
    {
        var finished = new List<long[]>();
        while (_finished.TryTake(out var stamps))
        {
            finished.Add(stamps);
        }

        var parts = new List<string>();
        for (var stage = 0; stage < Stages.Length; stage++)
        {
            var gaps = finished.Where(s => s[stage] > 0 && s[stage + 1] > 0).Select(s => s[stage + 1] - s[stage]).Order().ToArray();
            var median = gaps.Length == 0 ? 0 : LoadRunner.ToMilliseconds(gaps[gaps.Length / 2]);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Stages[stage]} {median:F2} ms"));
        }

        return "median per stage: " + string.Join(", ", parts);
    }
}
