using System.Buffers;
using System.Text.Json;

namespace Gantry.Events;

/// <summary>ComfyUI's <c>status</c> message: <c>{"type":"status","data":{"status":{"exec_info":{"queue_remaining":N}}[,"sid":…]}}</c>.</summary>
public static class StatusFrames
{
    public const string Type = "status";

    /// <summary>The message every socket of a user gets when the user's count of unfinished jobs changes.</summary>
    public static EventFrame Status(int queueRemaining) => EventFrame.Text(Type, null, Write(queueRemaining, sid: null));

    /// <summary>The first message of a new socket: the status with the socket's session id.</summary>
    public static byte[] Greeting(int queueRemaining, string sid) => Write(queueRemaining, sid);

    private static byte[] Write(int queueRemaining, string? sid)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, Type);
            writer.WriteStartObject("data"u8);
            writer.WriteStartObject("status"u8);
            writer.WriteStartObject("exec_info"u8);
            writer.WriteNumber("queue_remaining"u8, queueRemaining);
            writer.WriteEndObject();
            writer.WriteEndObject();
            if (sid is not null)
            {
                writer.WriteString("sid"u8, sid);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
