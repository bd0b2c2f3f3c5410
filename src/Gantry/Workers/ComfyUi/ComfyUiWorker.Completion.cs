using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The end of a job: its history item read (retrying while ComfyUI still answers <c>{}</c>), its files pulled
/// into the content store, the outcome reported; or, when the worker cannot tell, the job reported lost.
/// </summary>
public sealed partial class ComfyUiWorker
{
    private static readonly TimeSpan LongestHistoryPause = TimeSpan.FromSeconds(1);

    /// <summary>Reports the job's end from its history item (read now when not given).</summary>
    private async Task EndFromHistoryAsync(TrackedJob job, JObject? knownEntry)
    {
        if (!job.TryClaimEnd())
        {
            return;
        }

        var stop = _stopping.Token;
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

                ComfyUiWorkerLog.HistoryFromEvents(_logger, Name, job.Id);
                entry = job.Observed.ToHistoryEntry();
            }

            outcome = await BuildOutcomeAsync(job.Job, entry, stop, job.Imported);
        }
        catch (ComfyUiRequestException ex)
        {
            ComfyUiWorkerLog.OutcomeFailed(_logger, Name, job.Id, ex.Message);
            await ReportLostAsync(job, $"worker '{Name}' stopped answering while Gantry fetched the job's outcome: {ex.Message}");
            return;
        }

        await ReportFinishedAsync(job, outcome);
    }

    /// <summary>The history item, asked for until it appears or <see cref="ComfyUiWorkerOptions.HistoryWait"/> passes; null if it never did.</summary>
    private async Task<JObject?> WaitForHistoryAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.HistoryWait;
        var pause = _options.HistoryRetryDelay;
        while (true)
        {
            ComfyUiRequestException? failure = null;
            try
            {
                if (await _client.GetHistoryAsync(jobId, cancellationToken) is { } entry)
                {
                    return entry;
                }
            }
            catch (ComfyUiRequestException ex)
            {
                failure = ex;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                return failure is null ? null : throw failure;
            }

            await Task.Delay(pause, _time, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestHistoryPause.Ticks));
        }
    }

    /// <summary>Imports the files an <c>executed</c> names, then passes it on with the names as stored.</summary>
    private async Task RelayExecutedAsync(TrackedJob job, ComfyUiEvent message)
    {
        var forwarded = message;
        try
        {
            var node = ComfyJson.String(message.Data, "node") ?? "";
            var output = (JObject)ComfyJson.Strict(message.Data["output"]!);
            if (await _importer.ImportNodeOutputAsync(job.Job.UserId, job.Id, node, output, (file, ct) => OpenOutputAsync(job.Id, file, ct), job.Imported, _stopping.Token) is { } stored)
            {
                forwarded = message with { Data = message.Data.With("output", stored) };
            }
        }
        catch (Exception ex) when (ex is ComfyUiRequestException or System.Text.Json.JsonException or IOException)
        {
            // Not fetched now: the end fetches again from the history; the message goes as the worker sent it.
            ComfyUiWorkerLog.OutcomeFailed(_logger, Name, job.Id, ex.Message);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }

        Notify(c => c.OnJobMessage(this, job.Id, forwarded.ToWorkerMessage(job.Id)));
    }

    private Task<Stream?> OpenOutputAsync(Guid jobId, Outputs.OutputFileRef file, CancellationToken cancellationToken)
        => _client.OpenViewAsync(file, (f, status) => ComfyUiWorkerLog.OutputRefused(_logger, Name, jobId, f.Filename, (int)status), cancellationToken);

    private async Task<WorkerJobOutcome> BuildOutcomeAsync(WorkerJob job, JObject entry, CancellationToken cancellationToken, Outputs.ImportedFileSet? already = null)
    {
        var run = ComfyUiRunStatus.From(entry["status"]);
        var outputs = ComfyJson.StrictBytes(entry["outputs"] as JObject ?? JObject.Empty);
        var imported = await _importer.ImportAsync(
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

    /// <summary>Claims the job's end and reports it lost (or cancelled, when a cancel was asked for).</summary>
    private async Task LoseAsync(TrackedJob job, string reason)
    {
        if (job.TryClaimEnd())
        {
            await ReportLostAsync(job, reason);
        }
    }

    /// <summary>The job is gone from the worker. If the user wanted it cancelled anyway, that is what it was.</summary>
    private async Task ReportLostAsync(TrackedJob job, string reason)
    {
        if (job.CancelRequested)
        {
            await ReportFinishedAsync(job, CancelledOutcome(job.Id, reason));
            return;
        }

        Forget(job);
        ComfyUiWorkerLog.Lost(_logger, Name, job.Id, reason);
        Notify(c => c.OnJobLost(this, job.Id, reason));
    }

    /// <summary>Hands the outcome to the dispatcher, then passes on ComfyUI's final <c>executing {node: null}</c>.</summary>
    private async Task ReportFinishedAsync(TrackedJob job, WorkerJobOutcome outcome)
    {
        Forget(job);
        ComfyUiWorkerLog.Finished(_logger, Name, job.Id, outcome.Result);
        try
        {
            await Callbacks.OnJobFinishedAsync(this, job.Id, outcome);
        }
        catch (Exception ex)
        {
            ComfyUiWorkerLog.CallbackFailed(_logger, Name, ex);
        }

        // Last, so that a client waiting for it finds the job's history recorded (ComfyUI's own order).
        Notify(c => c.OnJobMessage(this, job.Id, ComfyUiEvent.PromptDone(job.Id).ToWorkerMessage(job.Id)));
    }

    private WorkerJobOutcome CancelledOutcome(Guid jobId, string reason)
        => new()
        {
            Result = WorkerJobResult.Interrupted,
            OutputsJson = "{}"u8.ToArray(),
            StatusJson = ComfyUiRunStatus.CancelledBeforeRun(jobId, NowMs).ToJsonBytes(),
            MetaJson = "{}"u8.ToArray(),
            ErrorMessage = $"Cancelled: {reason}.",
        };

    private void Forget(TrackedJob job)
    {
        _jobs.TryRemove(new KeyValuePair<Guid, TrackedJob>(job.Id, job));
        lock (_gate)
        {
            if (_runningJobId == job.Id)
            {
                _runningJobId = null;
            }
        }
    }
}
