using System.Buffers;
using System.Text.Json;
using Gantry.Jobs;

namespace Gantry.Events;

/// <summary>
/// What ComfyUI sends when a prompt ends, for the jobs Gantry ends itself (the worker is gone, silent, or refused
/// the job): <c>execution_error</c> or <c>execution_interrupted</c>, then the final <c>executing {node: null}</c>
/// that clients wait for. The failed node is unknown (null), and so is what had executed.
/// </summary>
public static class JobEndFrames
{
    public static EventFrame ExecutionError(Guid jobId, string message, long atMs) => Frame("execution_error", jobId, writer =>
    {
        WriteCommon(writer, jobId, atMs);
        writer.WriteString("exception_message"u8, message);
        writer.WriteString("exception_type"u8, HistoryStatus.FailureExceptionType);
        writer.WriteStartArray("traceback"u8);
        writer.WriteEndArray();
        writer.WriteStartObject("current_inputs"u8);
        writer.WriteEndObject();
        writer.WriteStartObject("current_outputs"u8);
        writer.WriteEndObject();
    });

    public static EventFrame ExecutionInterrupted(Guid jobId, long atMs) => Frame("execution_interrupted", jobId, writer => WriteCommon(writer, jobId, atMs));

    /// <summary>The last message of every prompt: <c>executing</c> with <c>node: null</c>.</summary>
    public static EventFrame Done(Guid jobId) => Frame("executing", jobId, writer =>
    {
        writer.WriteNull("node"u8);
        writer.WriteNull("display_node"u8);
        writer.WriteString("prompt_id"u8, jobId.ToString("D"));
    });

    private static void WriteCommon(Utf8JsonWriter writer, Guid jobId, long atMs)
    {
        writer.WriteString("prompt_id"u8, jobId.ToString("D"));
        writer.WriteNull("node_id"u8);
        writer.WriteNull("node_type"u8);
        writer.WriteStartArray("executed"u8);
        writer.WriteEndArray();
        writer.WriteNumber("timestamp"u8, atMs);
    }

    private static EventFrame Frame(string type, Guid jobId, Action<Utf8JsonWriter> writeData)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, type);
            writer.WriteStartObject("data"u8);
            writeData(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return EventFrame.Text(type, jobId, buffer.WrittenSpan.ToArray());
    }
}
