using System.Buffers;
using System.Net;
using System.Text.Json;
using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>Handing a job to the worker: its input files first, then <c>POST /prompt</c> with our ids.</summary>
public sealed partial class ComfyUiWorker
{
    public async Task SubmitAsync(WorkerJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        _ = Callbacks;
        if (_jobs.TryGetValue(job.JobId, out var held) && held.Accepted)
        {
            return;
        }

        var state = State;
        if (state != WorkerState.Online || !IsConnected)
        {
            var why = state == WorkerState.Draining ? "is draining" : $"is {state.ToString().ToLowerInvariant()}" + (LastError is { } e ? $" ({e})" : "");
            throw new WorkerUnavailableException($"Worker '{Name}' {why}.");
        }

        if (ComfyJson.TryParse(job.PromptJson) is not JObject prompt)
        {
            throw new WorkerRejectedJobException("The prompt is not a JSON object.");
        }

        await UploadInputsAsync(job, prompt, cancellationToken);

        var tracked = new TrackedJob(job, accepted: false);
        if (!_jobs.TryAdd(job.JobId, tracked))
        {
            throw new WorkerUnavailableException($"Worker '{Name}' is already submitting job {job.JobId}.");
        }

        var generation = Volatile.Read(ref _socketGeneration);
        bool adopted;
        try
        {
            adopted = await PostPromptAsync(tracked, cancellationToken);
        }
        catch
        {
            _jobs.TryRemove(new KeyValuePair<Guid, TrackedJob>(job.JobId, tracked));
            throw;
        }

        Accept(tracked);
        if (adopted || Volatile.Read(ref _socketGeneration) != generation)
        {
            // The prompt was already on the worker, or the socket was replaced while the POST was out (the reconnect's
            // reconcile skipped this job): its events may have gone elsewhere. Look it up once now.
            RunInBackground(ct => SettleAllAsync([tracked], ct));
        }
    }

    /// <summary>Posts the prompt; true when the worker turned out to have it already (its events may be past).</summary>
    private async Task<bool> PostPromptAsync(TrackedJob tracked, CancellationToken cancellationToken)
    {
        var job = tracked.Job;
        HttpStatusCode status;
        byte[] body;
        try
        {
            (status, body) = await _client.PostPromptAsync(PromptBody(job), cancellationToken);
        }
        catch (ComfyUiRequestException ex)
        {
            // No answer: the prompt may or may not have reached the worker. If it did, it is ours to follow.
            if (await IsOnWorkerAsync(job.JobId, cancellationToken))
            {
                ComfyUiWorkerLog.Queued(_logger, Name, job.JobId);
                return true;
            }

            throw new WorkerUnavailableException($"Worker '{Name}' did not take job {job.JobId}: {ex.Message}", ex);
        }

        switch (status)
        {
            case HttpStatusCode.OK:
                var answer = ComfyJson.TryParse(body) as JObject;
                if (ComfyJson.Object(answer, "node_errors") is { Count: > 0 } nodeErrors)
                {
                    // 200 with node_errors: the outputs that failed validation were dropped, the others run.
                    ComfyUiWorkerLog.QueuedWithNodeErrors(_logger, Name, job.JobId, nodeErrors.Count, ComfyUiClient.Snippet(ComfyJson.StrictBytes(nodeErrors)));
                }
                else
                {
                    ComfyUiWorkerLog.Queued(_logger, Name, job.JobId);
                }

                return false;
            case HttpStatusCode.BadRequest when IsPromptIdRefusal(body):
                // Our ids are canonical UUIDs, so only a server that refuses reused ids (a Gantry as worker) says this:
                // the job was given to it before. Follow that run if it is there; otherwise another worker must take it.
                if (await IsOnWorkerAsync(job.JobId, cancellationToken))
                {
                    return true;
                }

                throw new WorkerUnavailableException($"Worker '{Name}' refused prompt id {job.JobId:D} as already used: {RejectionReason(status, body)}");
            case HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge:
                var reason = RejectionReason(status, body);
                ComfyUiWorkerLog.Rejected(_logger, Name, job.JobId, reason);
                throw new WorkerRejectedJobException(reason, body);
            default:
                throw new WorkerUnavailableException($"Worker '{Name}' answered {(int)status} to POST /prompt: {ComfyUiClient.Snippet(body)}");
        }
    }

    /// <summary>Whether the worker has the prompt queued, running or done: after a POST that got no answer.</summary>
    private async Task<bool> IsOnWorkerAsync(Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            var queue = await _client.GetQueueAsync(cancellationToken);
            return queue.Find(jobId) != WorkerJobPresence.Unknown || await _client.GetHistoryAsync(jobId, cancellationToken) is not null;
        }
        catch (ComfyUiRequestException)
        {
            return false;
        }
    }

    /// <summary>The POST /prompt body: the client's graph and extra data byte for byte, our prompt and client ids.</summary>
    private byte[] PromptBody(WorkerJob job)
    {
        var buffer = new ArrayBufferWriter<byte>(job.PromptJson.Length + (job.ExtraDataJson?.Length ?? 0) + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("prompt");
            writer.WriteRawValue(job.PromptJson, skipInputValidation: true);
            writer.WriteString("client_id", ClientId);
            writer.WriteString("prompt_id", ComfyUiClient.PromptId(job.JobId));
            if (job.ExtraDataJson is { Length: > 0 } extraData)
            {
                writer.WritePropertyName("extra_data");
                writer.WriteRawValue(extraData, skipInputValidation: true);
            }

            if (job.OutputsToExecute.Count > 0)
            {
                writer.WriteStartArray("partial_execution_targets");
                foreach (var output in job.OutputsToExecute)
                {
                    writer.WriteStringValue(output);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool IsPromptIdRefusal(byte[] body)
        => ComfyJson.TryParse(body) is JObject answer && ComfyJson.String(ComfyJson.Object(answer, "error"), "type") == "invalid_prompt_id";

    /// <summary>
    /// One line from a 400 body: <c>error.message: error.details</c>, then what each node in <c>node_errors</c> said
    /// (ComfyUI leaves the details empty when only inputs failed: which node and file is only there); else the start of the body.
    /// </summary>
    private static string RejectionReason(HttpStatusCode status, byte[] body)
    {
        if (ComfyJson.TryParse(body) is JObject answer && ComfyJson.Object(answer, "error") is { } error)
        {
            var message = ComfyJson.String(error, "message") ?? ComfyJson.String(error, "type") ?? "invalid prompt";
            var details = ComfyJson.String(error, "details");
            var parts = new List<string> { string.IsNullOrWhiteSpace(details) ? message : $"{message}: {details}" };
            foreach (var (nodeId, value) in ComfyJson.Object(answer, "node_errors") ?? JObject.Empty)
            {
                var classType = ComfyJson.String(value as JObject, "class_type");
                foreach (var nodeError in ((value as JObject)?["errors"] as JArray ?? JArray.Empty).OfType<JObject>())
                {
                    var what = ComfyJson.String(nodeError, "details") is { Length: > 0 } text ? text : ComfyJson.String(nodeError, "message");
                    parts.Add($"node {nodeId}{(classType is null ? "" : $" ({classType})")}: {what}");
                }
            }

            return string.Join("; ", parts).ReplaceLineEndings("; ");
        }

        return $"{(int)status} {ComfyUiClient.Snippet(body)}";
    }

    private async Task UploadInputsAsync(WorkerJob job, JObject prompt, CancellationToken cancellationToken)
    {
        foreach (var input in InputFiles.Referenced(prompt, job.InputDirectory))
        {
            JObject answer;
            try
            {
                answer = await _client.UploadInputAsync(input.Path, input.Subfolder, input.Filename, cancellationToken);
            }
            catch (ComfyUiRequestException ex) when (ex.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
            {
                throw new WorkerRejectedJobException($"The input file '{input.Name}' was not accepted: {ex.Message}", ex.Body);
            }
            catch (ComfyUiRequestException ex)
            {
                throw new WorkerUnavailableException($"Worker '{Name}' could not take the input file '{input.Name}': {ex.Message}", ex);
            }

            var stored = ComfyJson.String(answer, "name");
            if (stored is not null && stored != input.Filename)
            {
                ComfyUiWorkerLog.UploadRenamed(_logger, Name, input.Name, stored);
            }
        }
    }
}
