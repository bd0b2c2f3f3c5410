using System.Text;
using Gantry.Workers;

namespace Gantry.Events;

/// <summary>
/// One WebSocket frame for a user's sockets: a ComfyUI JSON message (<c>{"type", "data"}</c>, UTF-8)
/// or a binary frame in ComfyUI's layout (see <see cref="BinaryFrames"/>). Built once, written to every socket of the user.
/// </summary>
public sealed record EventFrame
{
    private static readonly byte[] NotConvertible = [];

    private byte[]? _legacyPreview;

    /// <summary>The message type of a text frame; null for binary frames.</summary>
    public string? Type { get; init; }

    /// <summary>The job the frame is about, if any (status frames are about none).</summary>
    public Guid? JobId { get; init; }

    public required ReadOnlyMemory<byte> Payload { get; init; }

    public bool IsBinary => Type is null;

    /// <summary>A JSON text frame; <paramref name="json"/> is the whole message <c>{"type": …, "data": …}</c>.</summary>
    public static EventFrame Text(string type, Guid? jobId, ReadOnlyMemory<byte> json) => new() { Type = type, JobId = jobId, Payload = json };

    /// <summary>A binary frame, header included.</summary>
    public static EventFrame Binary(Guid? jobId, ReadOnlyMemory<byte> frame) => new() { JobId = jobId, Payload = frame };

    /// <summary>What the dispatcher publishes for a worker's message about a job.</summary>
    public static EventFrame FromWorkerMessage(Guid jobId, WorkerMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new EventFrame { Type = message.Type, JobId = jobId, Payload = message.Frame };
    }

    /// <summary>
    /// For a type-4 preview: the same image as a type-1 frame (for clients that did not negotiate preview
    /// metadata), computed once however many sockets need it. Empty when this is no type-4 frame or cannot be converted.
    /// </summary>
    internal ReadOnlyMemory<byte> LegacyPreview
    {
        get
        {
            var converted = Volatile.Read(ref _legacyPreview);
            if (converted is null)
            {
                converted = BinaryFrames.ToLegacyPreview(Payload.Span) ?? NotConvertible;
                Volatile.Write(ref _legacyPreview, converted);
            }

            return converted;
        }
    }

    /// <summary>Whether this is a binary type-4 preview (which clients without preview metadata get as type 1).</summary>
    public bool IsPreviewWithMetadata => IsBinary && BinaryFrames.EventTypeOf(Payload.Span) == BinaryFrames.PreviewImageWithMetadata;

    public override string ToString()
        => IsBinary ? $"binary frame type {BinaryFrames.EventTypeOf(Payload.Span)} ({Payload.Length} bytes)" : Encoding.UTF8.GetString(Payload.Span);
}
