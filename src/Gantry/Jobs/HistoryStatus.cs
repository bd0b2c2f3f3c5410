using System.Buffers;
using System.Text.Json;
using Gantry.Domain;

namespace Gantry.Jobs;

/// <summary>
/// ComfyUI's history <c>status</c> object (<c>{status_str, completed, messages}</c>) for jobs that ended
/// without a worker's own record: cancelled while waiting, or failed before they ran.
/// </summary>
public static class HistoryStatus
{
    /// <summary>The exception type of a failure Gantry decided (no node raised it): in this status, and on the owner's sockets.</summary>
    public const string FailureExceptionType = "RuntimeError";

    public static byte[]? ForJobWithoutRun(JobRecord job)
    {
        if (!JobStateMachine.IsTerminal(job.State))
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var promptId = job.Id.ToString("D");
            writer.WriteStartObject();
            writer.WriteString("status_str", JobStatusVocabulary.ToOssStatusString(job.State));
            writer.WriteBoolean("completed", job.State == JobState.Succeeded);
            writer.WriteStartArray("messages");
            writer.WriteStartArray();
            switch (job.State)
            {
                case JobState.Cancelled:
                    writer.WriteStringValue("execution_interrupted");
                    writer.WriteStartObject();
                    writer.WriteString("prompt_id", promptId);
                    writer.WriteNull("node_id");
                    writer.WriteNull("node_type");
                    writer.WriteStartArray("executed");
                    writer.WriteEndArray();
                    writer.WriteNumber("timestamp", job.StateChangedAtMs);
                    writer.WriteEndObject();
                    break;
                case JobState.Failed:
                    writer.WriteStringValue("execution_error");
                    writer.WriteStartObject();
                    writer.WriteString("prompt_id", promptId);
                    writer.WriteString("exception_message", job.ErrorMessage ?? "The job failed.");
                    writer.WriteString("exception_type", FailureExceptionType);
                    writer.WriteNumber("timestamp", job.StateChangedAtMs);
                    writer.WriteEndObject();
                    break;
                default:
                    writer.WriteStringValue("execution_success");
                    writer.WriteStartObject();
                    writer.WriteString("prompt_id", promptId);
                    writer.WriteNumber("timestamp", job.StateChangedAtMs);
                    writer.WriteEndObject();
                    break;
            }

            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
