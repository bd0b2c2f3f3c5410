using System.Text.Json;
using Gantry.Engine.Execution;
using Gantry.Engine.Json;

namespace Gantry.Workers.Embedded;

public sealed partial class EmbeddedWorker
{
    /// <summary>Runs the queued jobs one after another until the worker is disposed.</summary>
    private async Task RunLoopAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var run in _queue.Reader.ReadAllAsync(stopping))
            {
                if (run.TryStart())
                {
                    await ExecuteAsync(run, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task ExecuteAsync(EmbeddedRun run, CancellationToken stopping)
    {
        var jobId = run.Job.JobId;
        EmbeddedLog.Running(_logger, Name, jobId);
        try
        {
            var request = new ExecutionRequest
            {
                Prompt = run.Prompt,
                PromptId = jobId.ToString("D"),
                OutputsToExecute = run.Outputs,
                ExtraData = run.ExtraData,
                Folders = run.Folders,
                Cache = _cache,
                CacheScope = UserFolder(run.Job.UserId),
            };
            var result = await _engine.ExecuteAsync(request, new EngineEventForwarder(this, run), run.Interrupt.Token);
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            _runs.TryRemove(jobId, out _);
            Report(run, () => EmbeddedOutcome.BuildAsync(result, run, Name, _importer, ImportFailed, _stopping.Token), result.CompletionEvent);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            EmbeddedLog.RunFailed(_logger, Name, jobId, ex);
            LastError = $"Job {jobId}: {ex.Message}";
            _runs.TryRemove(jobId, out _);
            var crashed = EmbeddedOutcome.Crashed(Name, ex, NowMs);
            Report(run, () => Task.FromResult(crashed), completion: null);
        }
    }

    /// <summary>
    /// Queues the end report behind the job's messages, so the dispatcher hears it after all of them; ComfyUI's final
    /// <c>executing {node: null}</c> follows once the end is recorded (like ComfyUI, after the history is stored).
    /// The outcome (its files imported; those each <c>executed</c> brought are already in) is built in the outbox,
    /// after the job's last message. Neither the engine nor the outbox waits for the record: the next job runs and
    /// reports meanwhile, and the records of consecutive jobs share group commits. (So a job's final
    /// <c>executing</c> may reach clients after the next job's first messages; each job's own messages stay in order.)
    /// </summary>
    private void Report(EmbeddedRun run, Func<Task<WorkerJobOutcome>> build, ExecutingEvent? completion)
    {
        var jobId = run.Job.JobId;
        Send(async () =>
        {
            WorkerJobOutcome outcome;
            try
            {
                outcome = await build();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Shutting down: not reported; the next start reconciles it.
                return;
            }
            catch (Exception ex)
            {
                EmbeddedLog.RunFailed(_logger, Name, jobId, ex);
                outcome = EmbeddedOutcome.Crashed(Name, ex, NowMs);
            }

            EmbeddedLog.Finished(_logger, Name, jobId, outcome.Result);
            Task recorded;
            try
            {
                recorded = Callbacks.OnJobFinishedAsync(this, jobId, outcome);
            }
            catch (Exception ex)
            {
                recorded = Task.FromException(ex);
            }

            _ = FollowRecordAsync(run, recorded, completion);
        });
    }

    private async Task FollowRecordAsync(EmbeddedRun run, Task recorded, ExecutingEvent? completion)
    {
        var jobId = run.Job.JobId;
        try
        {
            await recorded;
            if (completion is not null)
            {
                Callbacks.OnJobMessage(this, jobId, EngineEventForwarder.Text(completion));
            }
        }
        catch (Exception ex)
        {
            EmbeddedLog.CallbackFailed(_logger, Name, jobId, ex);
        }
        finally
        {
            run.Dispose();
        }
    }

    /// <summary>A job taken out of the worker's queue before it ran: interrupted, with nothing executed.</summary>
    private WorkerJobOutcome CancelledBeforeRun(EmbeddedRun run)
    {
        var interrupted = new JObjectBuilder
        {
            ["prompt_id"] = run.Job.JobId.ToString("D"),
            ["node_id"] = JValue.Null,
            ["node_type"] = JValue.Null,
            ["executed"] = JArray.Empty,
            ["timestamp"] = NowMs,
        }.Build();
        var status = new JObjectBuilder
        {
            ["status_str"] = "error",
            ["completed"] = false,
            ["messages"] = JArray.Of(JArray.Of("execution_interrupted", interrupted)),
        }.Build();
        return new WorkerJobOutcome
        {
            Result = WorkerJobResult.Interrupted,
            OutputsJson = "{}"u8.ToArray(),
            StatusJson = status.ToJsonBytes(),
            MetaJson = "{}"u8.ToArray(),
            ErrorMessage = $"Cancelled before it started on worker '{Name}'.",
        };
    }

    private void ImportFailed(Guid jobId, Exception exception) => EmbeddedLog.ImportFailed(_logger, Name, jobId, exception);

    private IWorkerCallbacks Callbacks => _callbacks ?? throw new InvalidOperationException($"Worker '{Name}' has not been started.");

    /// <summary>
    /// Sends one engine event to the dispatcher (through the outbox); never throws into the engine. An
    /// <c>executed</c> that names files waits in the outbox until they are imported, so whoever fetches them on
    /// <c>executed</c> finds them (ComfyUI writes its files before it sends <c>executed</c>), and carries the names
    /// they are stored under.
    /// </summary>
    internal void Forward(EmbeddedRun run, EngineEvent engineEvent)
    {
        var jobId = run.Job.JobId;
        try
        {
            var callbacks = Callbacks;
            if (engineEvent is ExecutedEvent { Output: { } output } executed)
            {
                Send(async () =>
                {
                    var rewritten = await ImportNodeOutputAsync(run, executed.Node, output);
                    callbacks.OnJobMessage(this, jobId, EngineEventForwarder.Text(rewritten is null ? executed : executed with { Output = rewritten }));
                });
                return;
            }

            var message = EngineEventForwarder.ToMessage(engineEvent);
            Send(() =>
            {
                if (engineEvent is ExecutionStartEvent start)
                {
                    callbacks.OnJobStarted(this, jobId, start.Timestamp);
                }

                callbacks.OnJobMessage(this, jobId, message);
            });
        }
        catch (Exception ex)
        {
            EmbeddedLog.CallbackFailed(_logger, Name, jobId, ex);
        }
    }

    private async Task<JObject?> ImportNodeOutputAsync(EmbeddedRun run, string nodeId, JObject output)
    {
        try
        {
            return await _importer.ImportNodeOutputAsync(
                run.Job.UserId, run.Job.JobId, nodeId, output, (file, _) => Task.FromResult<Stream?>(EmbeddedOutcome.Open(run.Folders, file)), run.Imported, _stopping.Token);
        }
        catch (JsonException ex)
        {
            // Outputs the strict reader cannot take (a NaN in a UI value): the message goes as it is, without files.
            ImportFailed(run.Job.JobId, ex);
            return null;
        }
    }
}
