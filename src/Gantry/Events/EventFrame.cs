namespace Gantry.Events;

/// <summary>
/// One WebSocket frame for a user's sockets: a ComfyUI JSON message (<c>{"type", "data"}</c>, UTF-8)
/// or a binary preview frame. Built once, written to every socket of the user.
/// </summary>
public sealed record EventFrame
{
    /// <summary>The message type of a text frame; null for binary frames.</summary>
    public string? Type { get; init; }

    /// <summary>The job the frame is about, if any (status frames are about none).</summary>
    public Guid? JobId { get; init; }

    public required ReadOnlyMemory<byte> Payload { get; init; }

    public bool IsBinary => Type is null;
}
