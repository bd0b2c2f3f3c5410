using Gantry.Engine.Json;
using Gantry.Outputs;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The end of a job: its history item read (retrying while ComfyUI still answers <c>{}</c>), its files pulled
/// into the content store, the outcome reported; or, when the worker cannot tell, the job reported lost. Also the
/// files each <c>executed</c> names, fetched before that message goes on. Exactly one path reports a job's end
/// (<see cref="TrackedJob.TryClaimEnd"/>).
/// </summary>
internal sealed class ComfyUiJobCompletion(ComfyUiWorkerContext context, OutputImporter importer)
{
    private static readonly TimeSpan LongestHistoryPause = TimeSpan.FromSeconds(1);

    private string Name => context.Name;

    /// <summary>Reports the job's end from its history item (read now when not given).</summary>
    public async Task EndFromHistoryAsync(TrackedJob job, JObject? knownEntry)
    {
        if (!job.TryClaimEnd())
        {
            return;
        }

        var stop = context.Stopping.Token;
        Task relayed;
        lock (job.Gate)
        {
            relayed = job.Relayed;
        }

        // The messages already taken (and the files their executed named) go out before the end.
        await relayed;
        WorkerJobOutcome outcome;
        try
        {
            var entry = knownEntry ?? await WaitForHistoryAsync(job.Id, stop);
            if (entry is null)
            {
                if (job.Observed.Terminal is null)
                {
                    await ReportLostAsync(job, $"worker '{Name}' ended the job but its history never appeared");
                    return;
                }

                ComfyUiWorkerLog.HistoryFromEvents(context.Logger, Name, job.Id);
                entry = job.Observed.ToHistoryEntry();
            }

            outcome = await BuildOutcomeAsync(job.Job, entry, stop, job.Imported);
        }
        catch (ComfyUiRequestException ex)
        {
            ComfyUiWorkerLog.OutcomeFailed(context.Logger, Name, job.Id, ex.Message);
            await ReportLostAsync(job, $"worker '{Name}' stopped answering while Gantry fetched the job's outcome: {ex.Message}");
            return;
        }

        await ReportFinishedAsync(job, outcome);
    }

    /// <summary>Imports the files an <c>executed</c> names, then passes it on with the names as stored.</summary>
    public async Task RelayExecutedAsync(TrackedJob job, ComfyUiEvent message)
    {
        var forwarded = message;
        var stopping = context.Stopping.Token;
        try
        {
            var node = ComfyJson.String(message.Data, "node") ?? "";
            var output = (JObject)ComfyJson.Strict(message.Data["output"]!);
            if (await importer.ImportNodeOutputAsync(job.Job.UserId, job.Id, node, output, (file, ct) => OpenOutputAsync(job.Id, file, ct), job.Imported, stopping) is { } stored)
            {
                forwarded = message with { Data = message.Data.With("output", stored) };
            }
        }
        catch (Exception ex) when (ex is ComfyUiRequestException or System.Text.Json.JsonException or IOException)
        {
            // Not fetched now: the end fetches again from the history; the message goes as the worker sent it.
            ComfyUiWorkerLog.OutcomeFailed(context.Logger, Name, job.Id, ex.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }

        context.Notify(c => c.OnJobMessage(context.Worker, job.Id, forwarded.ToWorkerMessage(job.Id)));
    }

    /// <summary>Claims the job's end and reports it lost (or cancelled, when a cancel was asked for).</summary>
    public async Task LoseAsync(TrackedJob job, string reason)
    {
        if (job.TryClaimEnd())
        {
            await ReportLostAsync(job, reason);
        }
    }

    /// <summary>Claims the job's end and reports it interrupted before it ran; false when another path ends it.</summary>
    public async Task<bool> CancelBeforeRunAsync(TrackedJob job, string reason)
    {
        if (!job.TryClaimEnd())
        {
            return false;
        }

        await ReportFinishedAsync(job, CancelledOutcome(job.Id, reason));
        return true;
    }

    /// <summary>The history item, asked for until it appears or <see cref="ComfyUiWorkerOptions.HistoryWait"/> passes; null if it never did.</summary>
    private async Task<JObject?> WaitForHistoryAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var deadline = context.Time.GetUtcNow() + context.Options.HistoryWait;
        var pause = context.Options.HistoryRetryDelay;
        while (true)
        {
            ComfyUiRequestException? failure = null;
            try
            {
                if (await context.Client.GetHistoryAsync(jobId, cancellationToken) is { } entry)
                {
                    return entry;
                }
            }
            catch (ComfyUiRequestException ex)
            {
                failure = ex;
            }

            if (context.Time.GetUtcNow() >= deadline)
            {
                return failure is null ? null : throw failure;
            }

            await Task.Delay(pause, context.Time, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestHistoryPause.Ticks));
        }
    }

    private Task<Stream?> OpenOutputAsync(Guid jobId, OutputFileRef file, CancellationToken cancellationToken)
        => context.Client.OpenViewAsync(file, (f, status) => ComfyUiWorkerLog.OutputRefused(context.Logger, Name, jobId, f.Filename, (int)status), cancellationToken);

    private async Task<WorkerJobOutcome> BuildOutcomeAsync(WorkerJob job, JObject entry, CancellationToken cancellationToken, ImportedFileSet already)
    {
        var run = ComfyUiRunStatus.From(entry["status"]);
        var outputs = ComfyJson.StrictBytes(entry["outputs"] as JObject ?? JObject.Empty);
        var imported = await importer.ImportAsync(
            job.UserId,
            job.JobId,
            outputs,
            (file, ct) => OpenOutputAsync(job.JobId, file, ct),
            cancellationToken,
            already);
        return new WorkerJobOutcome
        {
            Result = run.Result,
            ExecutionStartMs = run.StartMs,
            ExecutionEndMs = run.EndMs,
            OutputsJson = imported.OutputsJson,
            StatusJson = ComfyJson.StrictBytes(run.Status),
            MetaJson = ComfyJson.StrictBytes(entry["meta"] as JObject ?? JObject.Empty),
            ExecutionErrorJson = run.Result == WorkerJobResult.Failed ? ComfyUiRunStatus.ToCloudExecutionError(run.Error)?.ToJsonBytes() : null,
            ErrorMessage = run.ErrorMessage(Name),
            Files = imported.Files,
        };
    }

    /// <summary>The job is gone from the worker. If the user wanted it cancelled anyway, that is what it was.</summary>
    private async Task ReportLostAsync(TrackedJob job, string reason)
    {
        if (job.CancelRequested)
        {
            await ReportFinishedAsync(job, CancelledOutcome(job.Id, reason));
            return;
        }

        context.Jobs.Forget(job);
        ComfyUiWorkerLog.Lost(context.Logger, Name, job.Id, reason);
        context.Notify(c => c.OnJobLost(context.Worker, job.Id, reason));
    }

    /// <summary>Hands the outcome to the dispatcher, then passes on ComfyUI's final <c>executing {node: null}</c>.</summary>
    private async Task ReportFinishedAsync(TrackedJob job, WorkerJobOutcome outcome)
    {
        context.Jobs.Forget(job);
        ComfyUiWorkerLog.Finished(context.Logger, Name, job.Id, outcome.Result);
        try
        {
            await context.Callbacks.OnJobFinishedAsync(context.Worker, job.Id, outcome);
        }
        catch (Exception ex)
        {
            ComfyUiWorkerLog.CallbackFailed(context.Logger, Name, ex);
        }

        // Last, so that a client waiting for it finds the job's history recorded (ComfyUI's own order).
        context.Notify(c => c.OnJobMessage(context.Worker, job.Id, ComfyUiEvent.PromptDone(job.Id).ToWorkerMessage(job.Id)));
    }

    private WorkerJobOutcome CancelledOutcome(Guid jobId, string reason)
        => new()
        {
            Result = WorkerJobResult.Interrupted,
            OutputsJson = "{}"u8.ToArray(),
            StatusJson = ComfyUiRunStatus.CancelledBeforeRun(jobId, context.NowMs).ToJsonBytes(),
            MetaJson = "{}"u8.ToArray(),
            ErrorMessage = $"Cancelled: {reason}.",
        };
}
