namespace Gantry.Workers;

/// <summary>
/// One ComfyUI WebSocket message about a job, ready for the job owner's sockets: a text frame
/// (<c>{"type": …, "data": {…, "prompt_id": …}}</c>, UTF-8) or a binary preview frame in ComfyUI's layout.
/// </summary>
public sealed record WorkerMessage
{
    /// <summary>The event type (<c>executing</c>, <c>progress</c>, …) of a text frame; null for binary frames.</summary>
    public string? Type { get; init; }

    /// <summary>The whole frame: UTF-8 JSON text, or the binary bytes.</summary>
    public required ReadOnlyMemory<byte> Frame { get; init; }

    public bool IsBinary => Type is null;
}
