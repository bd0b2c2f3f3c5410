using System.Globalization;
using System.Text.Json;

namespace Gantry.Client;

/// <summary>Builds <see cref="JobReport"/>s and output lists from the server's JSON (<c>/api/job/{id}/status</c> and <c>/api/jobs/{id}</c>).</summary>
public static class JobReports
{
    public static JobReport From(string promptId, JsonElement status, JsonElement detail)
    {
        var state = Text(detail, "status") ?? "pending";
        var done = state is "completed" or "failed" or "cancelled";
        var executionStatus = detail.TryGetProperty("execution_status", out var es) && es.ValueKind == JsonValueKind.Object ? es : default;
        return new JobReport
        {
            PromptId = Text(detail, "id") ?? promptId,
            Found = true,
            Status = state,
            StatusStr = executionStatus.ValueKind == JsonValueKind.Object ? Text(executionStatus, "status_str") : null,
            Pending = state == "pending",
            Running = state == "in_progress",
            Done = done,
            Worker = Text(status, "assigned_inference"),
            Error = FailureOf(state, detail, Text(status, "error_message")),
            Stats = done ? StatsOf(status, detail, executionStatus) : null,
            Outputs = done ? OutputsOf(detail.TryGetProperty("outputs", out var outputs) ? outputs : default) : null,
            Texts = done ? TextsOf(detail.TryGetProperty("outputs", out var texts) ? texts : default) : null,
        };
    }

    /// <summary>Every string in a ComfyUI <c>outputs</c> object's lists (<c>{node: {text: ["…"]}}</c>), by node.</summary>
    public static IReadOnlyList<OutputText> TextsOf(JsonElement outputs)
    {
        var texts = new List<OutputText>();
        if (outputs.ValueKind != JsonValueKind.Object)
        {
            return texts;
        }

        foreach (var node in outputs.EnumerateObject().Where(n => n.Value.ValueKind == JsonValueKind.Object))
        {
            foreach (var kind in node.Value.EnumerateObject().Where(k => k.Value.ValueKind == JsonValueKind.Array))
            {
                texts.AddRange(kind.Value.EnumerateArray()
                    .Where(item => item.ValueKind == JsonValueKind.String)
                    .Select(item => new OutputText(node.Name, item.GetString()!)));
            }
        }

        return texts;
    }

    /// <summary>Every file in a ComfyUI <c>outputs</c> object: <c>{node: {images|gifs|audio|…: [{filename, subfolder, type}]}}</c>.</summary>
    public static IReadOnlyList<OutputFile> OutputsOf(JsonElement outputs)
    {
        var files = new List<OutputFile>();
        if (outputs.ValueKind != JsonValueKind.Object)
        {
            return files;
        }

        foreach (var node in outputs.EnumerateObject())
        {
            if (node.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var kind in node.Value.EnumerateObject())
            {
                if (kind.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var item in kind.Value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && Text(item, "filename") is { Length: > 0 } filename)
                    {
                        files.Add(new OutputFile(node.Name, filename, Text(item, "subfolder") ?? "", Text(item, "type") ?? "output"));
                    }
                }
            }
        }

        return files;
    }

    /// <summary>A Unix time in milliseconds as ISO 8601 UTC.</summary>
    public static string IsoTime(long unixMs)
        => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JobFailure? FailureOf(string state, JsonElement detail, string? errorMessage)
    {
        if (state == "failed" && detail.TryGetProperty("execution_error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            return new JobFailure(
                Text(error, "node_id"),
                Text(error, "node_type"),
                Text(error, "exception_type"),
                (Text(error, "exception_message") ?? errorMessage ?? "The job failed.").TrimEnd());
        }

        return state is "failed" or "cancelled" && errorMessage is not null ? new JobFailure(null, null, null, errorMessage) : null;
    }

    private static JobStats StatsOf(JsonElement status, JsonElement detail, JsonElement executionStatus)
    {
        long? started = null;
        long? finished = null;
        var cached = new List<string>();
        if (executionStatus.ValueKind == JsonValueKind.Object && executionStatus.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Array || message.GetArrayLength() < 2 || message[0].ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                var data = message[1];
                var timestamp = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("timestamp", out var t) && t.TryGetInt64(out var ms) ? ms : (long?)null;
                switch (message[0].GetString())
                {
                    case "execution_start":
                        started ??= timestamp;
                        break;
                    case "execution_cached" when data.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array:
                        cached.AddRange(nodes.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!));
                        break;
                    case "execution_success" or "execution_error" or "execution_interrupted":
                        finished = timestamp ?? finished;
                        break;
                }
            }
        }

        var outputsCount = detail.TryGetProperty("outputs_count", out var count) && count.TryGetInt32(out var n) ? n : 0;
        return new JobStats(
            Text(status, "created_at"),
            started is { } s ? IsoTime(s) : null,
            finished is { } f ? IsoTime(f) : null,
            started is { } from && finished is { } to ? Math.Max(0, to - from) / 1000.0 : null,
            cached,
            outputsCount);
    }
}
