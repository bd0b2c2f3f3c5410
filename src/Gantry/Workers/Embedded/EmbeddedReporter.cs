using System.Text.Json;
using Gantry.Engine.Execution;
using Gantry.Engine.Json;
using Gantry.Outputs;

namespace Gantry.Workers.Embedded;

/// <summary>
/// What an embedded worker tells the dispatcher, through its <see cref="EmbeddedOutbox"/>: the engine's events as
/// ComfyUI messages (an <c>executed</c> that names files after they are imported), each job's end report, then
/// ComfyUI's final <c>executing {node: null}</c> once the end is recorded.
/// </summary>
internal sealed class EmbeddedReporter(IWorker worker, OutputImporter importer, TimeProvider time, ILogger logger, CancellationToken stopping)
{
    private readonly EmbeddedOutbox _outbox = new(logger, worker.Name);
    private IWorkerCallbacks? _callbacks;

    private string Name => worker.Name;

    private IWorkerCallbacks Callbacks => Volatile.Read(ref _callbacks) ?? throw new InvalidOperationException($"Worker '{Name}' has not been started.");

    public void Start(IWorkerCallbacks callbacks)
    {
        Volatile.Write(ref _callbacks, callbacks);
        _outbox.Start();
    }

    /// <summary>Stops reporting; waits a bounded time for what is queued.</summary>
    public Task CloseAsync() => _outbox.CloseAsync();

    /// <summary>
    /// Sends one engine event to the dispatcher (through the outbox); never throws into the engine. An
    /// <c>executed</c> that names files waits in the outbox until they are imported, so whoever fetches them on
    /// <c>executed</c> finds them (ComfyUI writes its files before it sends <c>executed</c>), and carries the names
    /// they are stored under.
    /// </summary>
    public void Forward(EmbeddedRun run, EngineEvent engineEvent)
    {
        var jobId = run.Job.JobId;
        try
        {
            var callbacks = Callbacks;
            if (engineEvent is ExecutedEvent { Output: { } output } executed)
            {
                _outbox.Send(async () =>
                {
                    var rewritten = await ImportNodeOutputAsync(run, executed.Node, output);
                    callbacks.OnJobMessage(worker, jobId, EngineEventForwarder.Text(rewritten is null ? executed : executed with { Output = rewritten }));
                });
                return;
            }

            var message = EngineEventForwarder.ToMessage(engineEvent);
            _outbox.Send(() =>
            {
                if (engineEvent is ExecutionStartEvent start)
                {
                    callbacks.OnJobStarted(worker, jobId, start.Timestamp);
                }

                callbacks.OnJobMessage(worker, jobId, message);
            });
        }
        catch (Exception ex)
        {
            EmbeddedLog.CallbackFailed(logger, Name, jobId, ex);
        }
    }

    /// <summary>The engine ran the job to its end (any result): its outcome, files imported, then the final message.</summary>
    public void ReportRun(EmbeddedRun run, ExecutionResult result)
        => Report(run, () => EmbeddedOutcome.BuildAsync(result, run, Name, importer, ImportFailed, stopping), result.CompletionEvent);

    /// <summary>Running the job threw: it failed with the exception as its error.</summary>
    public void ReportCrashed(EmbeddedRun run, Exception exception)
    {
        var crashed = EmbeddedOutcome.Crashed(Name, exception, NowMs);
        Report(run, () => Task.FromResult(crashed), completion: null);
    }

    /// <summary>A job taken out of the worker's queue before it ran: interrupted, with nothing executed.</summary>
    public void ReportCancelledBeforeRun(EmbeddedRun run)
    {
        var cancelled = CancelledBeforeRun(run);
        Report(run, () => Task.FromResult(cancelled), completion: null);
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
        _outbox.Send(async () =>
        {
            WorkerJobOutcome outcome;
            try
            {
                outcome = await build();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Shutting down: not reported; the next start reconciles it.
                return;
            }
            catch (Exception ex)
            {
                EmbeddedLog.RunFailed(logger, Name, jobId, ex);
                outcome = EmbeddedOutcome.Crashed(Name, ex, NowMs);
            }

            EmbeddedLog.Finished(logger, Name, jobId, outcome.Result);
            Task recorded;
            try
            {
                recorded = Callbacks.OnJobFinishedAsync(worker, jobId, outcome);
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
                Callbacks.OnJobMessage(worker, jobId, EngineEventForwarder.Text(completion));
            }
        }
        catch (Exception ex)
        {
            EmbeddedLog.CallbackFailed(logger, Name, jobId, ex);
        }
        finally
        {
            run.Dispose();
        }
    }

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

    private async Task<JObject?> ImportNodeOutputAsync(EmbeddedRun run, string nodeId, JObject output)
    {
        try
        {
            return await importer.ImportNodeOutputAsync(
                run.Job.UserId, run.Job.JobId, nodeId, output, (file, _) => Task.FromResult<Stream?>(EmbeddedOutcome.Open(run.Folders, file)), run.Imported, stopping);
        }
        catch (JsonException ex)
        {
            // Outputs the strict reader cannot take (a NaN in a UI value): the message goes as it is, without files.
            ImportFailed(run.Job.JobId, ex);
            return null;
        }
    }

    private void ImportFailed(Guid jobId, Exception exception) => EmbeddedLog.ImportFailed(logger, Name, jobId, exception);

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();
}
