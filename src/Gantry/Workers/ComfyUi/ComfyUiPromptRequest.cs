using System.Buffers;
using System.Net;
using System.Text.Json;
using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The <c>POST /prompt</c> exchange as data: the body Gantry sends, and how ComfyUI's 400 answers read (a refused
/// prompt id, or the one-line reason for the job's error).
/// </summary>
internal static class ComfyUiPromptRequest
{
    /// <summary>The POST /prompt body: the client's graph and extra data byte for byte, our prompt and client ids.</summary>
    public static byte[] Body(WorkerJob job, string clientId)
    {
        var buffer = new ArrayBufferWriter<byte>(job.PromptJson.Length + (job.ExtraDataJson?.Length ?? 0) + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("prompt");
            writer.WriteRawValue(job.PromptJson, skipInputValidation: true);
            writer.WriteString("client_id", clientId);
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

    /// <summary>A 400 that refuses the prompt id as already used (only a Gantry as worker says this).</summary>
    public static bool IsPromptIdRefusal(byte[] body)
        => ComfyJson.TryParse(body) is JObject answer && ComfyJson.String(ComfyJson.Object(answer, "error"), "type") == "invalid_prompt_id";

    /// <summary>The <c>node_errors</c> of a 200 answer (outputs that failed validation and were dropped); null when none.</summary>
    public static JObject? NodeErrors(byte[] body)
        => ComfyJson.Object(ComfyJson.TryParse(body) as JObject, "node_errors") is { Count: > 0 } nodeErrors ? nodeErrors : null;

    /// <summary>
    /// One line from a 400 body: <c>error.message: error.details</c>, then what each node in <c>node_errors</c> said
    /// (ComfyUI leaves the details empty when only inputs failed: which node and file is only there); else the start of the body.
    /// </summary>
    public static string RejectionReason(HttpStatusCode status, byte[] body)
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
}
