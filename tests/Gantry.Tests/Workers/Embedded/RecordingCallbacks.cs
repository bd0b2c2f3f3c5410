using System.Text;
using System.Threading.Channels;
using Gantry.Workers;

namespace Gantry.Tests.Workers.Embedded;

/// <summary>What a worker reported, in order: the dispatcher's side of <see cref="IWorkerCallbacks"/>, recorded.</summary>
internal sealed class RecordingCallbacks : IWorkerCallbacks
{
    public Channel<Report> Reports { get; } = Channel.CreateUnbounded<Report>();

    public int WorkerChanges;

    /// <summary>When set, what <see cref="OnJobFinishedAsync"/> returns: the dispatcher still recording the end.</summary>
    public Task? RecordingEnds { get; set; }

    public void OnWorkerChanged(IWorker worker) => Interlocked.Increment(ref WorkerChanges);

    public void OnJobStarted(IWorker worker, Guid jobId, long atMs) => Reports.Writer.TryWrite(new Report(jobId, "started", null, null));

    public void OnJobMessage(IWorker worker, Guid jobId, WorkerMessage message) => Reports.Writer.TryWrite(new Report(jobId, message.Type ?? "binary", message, null));

    public Task OnJobFinishedAsync(IWorker worker, Guid jobId, WorkerJobOutcome outcome)
    {
        Reports.Writer.TryWrite(new Report(jobId, "finished", null, outcome));
        return RecordingEnds ?? Task.CompletedTask;
    }

    public void OnJobLost(IWorker worker, Guid jobId, string reason) => Reports.Writer.TryWrite(new Report(jobId, "lost:" + reason, null, null));

    /// <summary>Reads reports until the job's final <c>executing {node: null}</c> (or a loss) and returns them.</summary>
    public async Task<List<Report>> UntilDoneAsync(Guid jobId)
    {
        var reports = new List<Report>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var report = await Reports.Reader.ReadAsync(timeout.Token);
            if (report.JobId != jobId)
            {
                continue;
            }

            reports.Add(report);
            if (report.Kind.StartsWith("lost:", StringComparison.Ordinal) || (report.Kind == "executing" && report.Text.Contains("\"node\":null", StringComparison.Ordinal)))
            {
                return reports;
            }
        }
    }

    /// <summary>Reads reports until the job's outcome.</summary>
    public async Task<WorkerJobOutcome> OutcomeAsync(Guid jobId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var report = await Reports.Reader.ReadAsync(timeout.Token);
            if (report.JobId == jobId && report.Outcome is { } outcome)
            {
                return outcome;
            }
        }
    }
}

internal sealed record Report(Guid JobId, string Kind, WorkerMessage? Message, WorkerJobOutcome? Outcome)
{
    public string Text => Message is { IsBinary: false } m ? Encoding.UTF8.GetString(m.Frame.Span) : "";
}
