using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// How a prompt ended, read from its history <c>status</c> (<c>{status_str, completed, messages}</c>). The messages
/// decide over <c>status_str</c>: an <c>execution_interrupted</c> means interrupted, an <c>execution_error</c> means
/// failed even when <c>status_str</c> says success (a runtime dependency cycle leaves it so). A missing status
/// counts as success, as ComfyUI's own job list does.
/// </summary>
internal sealed record ComfyUiRunStatus(WorkerJobResult Result, long? StartMs, long? EndMs, JObject? Error, JObject? Interruption, JObject Status)
{
    private static readonly JObject SucceededWithoutStatus =
        new([new("status_str", "success"), new("completed", true), new("messages", JArray.Empty)]);

    public static ComfyUiRunStatus From(JValue? statusValue)
    {
        var status = statusValue as JObject;
        long? start = null, end = null;
        JObject? error = null, interruption = null;
        foreach (var message in ComfyJson.Array(status, "messages") ?? JArray.Empty)
        {
            if (message is not JArray { Count: >= 2 } pair || pair[0].AsString is not { } name || pair[1] is not JObject data)
            {
                continue;
            }

            var at = ComfyJson.Int64(data["timestamp"]);
            switch (name)
            {
                case "execution_start":
                    start ??= at;
                    break;
                case "execution_success":
                    end = at ?? end;
                    break;
                case "execution_error":
                    end = at ?? end;
                    error = data;
                    break;
                case "execution_interrupted":
                    end = at ?? end;
                    interruption = data;
                    break;
            }
        }

        var result = interruption is not null ? WorkerJobResult.Interrupted
            : error is not null || ComfyJson.String(status, "status_str") == "error" ? WorkerJobResult.Failed
            : WorkerJobResult.Succeeded;
        return new ComfyUiRunStatus(result, start, end, error, interruption, status ?? SucceededWithoutStatus);
    }

    /// <summary>The status of a prompt taken off the worker's queue before it ran (ComfyUI keeps no trace of those).</summary>
    public static JObject CancelledBeforeRun(Guid jobId, long nowMs)
    {
        var interrupted = new JObject(
        [
            new("prompt_id", ComfyUiClient.PromptId(jobId)), new("node_id", JValue.Null), new("node_type", JValue.Null),
            new("executed", JArray.Empty), new("timestamp", nowMs),
        ]);
        return new JObject([new("status_str", "error"), new("completed", false), new("messages", JArray.Of(JArray.Of("execution_interrupted", interrupted)))]);
    }

    /// <summary>
    /// The <c>execution_error</c> data as the Cloud's <c>ExecutionError</c> object: exactly its seven fields, strings
    /// where it wants strings, <c>current_inputs</c> and <c>current_outputs</c> as objects (OSS sends the latter as a
    /// list of node ids, and <c>current_inputs</c> as <c>[]</c> for blocked or cyclic runs; the raw data stays in the status messages).
    /// </summary>
    public static JObject? ToCloudExecutionError(JObject? error)
    {
        if (error is null)
        {
            return null;
        }

        return new JObject(
        [
            new("node_id", Text(error["node_id"])),
            new("node_type", Text(error["node_type"])),
            new("exception_message", Text(error["exception_message"])),
            new("exception_type", Text(error["exception_type"])),
            new("traceback", new JArray((error["traceback"] as JArray ?? JArray.Empty).Select(line => (JValue)Text(line)))),
            new("current_inputs", ComfyJson.Strict(error["current_inputs"] as JObject ?? JObject.Empty)),
            new("current_outputs", ComfyJson.Strict(error["current_outputs"] as JObject ?? JObject.Empty)),
        ]);
    }

    /// <summary>One line for <c>error_message</c>.</summary>
    public string? ErrorMessage(string workerName)
    {
        switch (Result)
        {
            case WorkerJobResult.Failed when Error is not null:
                var type = ComfyJson.String(Error, "exception_type");
                var text = FirstLine(ComfyJson.String(Error, "exception_message")) ?? "the node failed";
                var node = ComfyJson.String(Error, "node_id") is { } id ? $" (node {id}{(ComfyJson.String(Error, "node_type") is { } nodeType ? $" {nodeType}" : "")})" : "";
                return string.IsNullOrEmpty(type) ? $"{text}{node}" : $"{type}: {text}{node}";
            case WorkerJobResult.Failed:
                return $"The prompt failed on worker '{workerName}'.";
            case WorkerJobResult.Interrupted:
                var at = ComfyJson.String(Interruption, "node_id") is { } interruptedNode ? $" at node {interruptedNode}" : "";
                return $"Interrupted on worker '{workerName}'{at}.";
            default:
                return null;
        }
    }

    private static string Text(JValue? value) => value is null or JNull ? "" : ComfyJson.Text(ComfyJson.Strict(value));

    private static string? FirstLine(string? text)
        => text?.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();

}
