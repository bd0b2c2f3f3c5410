using System.Buffers.Binary;
using Gantry.Engine.Execution;

namespace Gantry.Workers.Embedded;

/// <summary>
/// Turns the engine's events into ComfyUI WebSocket messages for the job owner: JSON text frames
/// <c>{"type", "data"}</c>, and previews as binary type-4 frames
/// <c>[uint32 BE 4][uint32 BE metadata length][metadata JSON][image bytes]</c>.
/// </summary>
internal sealed class EngineEventForwarder(EmbeddedReporter reporter, EmbeddedRun run) : IExecutionEventSink
{
    public const uint PreviewWithMetadata = 4;

    public void Emit(EngineEvent engineEvent) => reporter.Forward(run, engineEvent);

    public static WorkerMessage ToMessage(EngineEvent engineEvent)
        => engineEvent is PreviewImageEvent preview ? Preview(preview) : Text(engineEvent);

    public static WorkerMessage Text(EngineEvent engineEvent)
        => new() { Type = engineEvent.Type, Frame = engineEvent.ToMessage().ToJsonBytes() };

    public static WorkerMessage Preview(PreviewImageEvent preview)
    {
        var metadata = preview.ToData().ToJsonBytes();
        var image = preview.Image.Data.Span;
        var frame = new byte[8 + metadata.Length + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, PreviewWithMetadata);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)metadata.Length);
        metadata.CopyTo(frame.AsSpan(8));
        image.CopyTo(frame.AsSpan(8 + metadata.Length));
        return new WorkerMessage { Frame = frame };
    }
}
