using System.Buffers.Binary;
using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// ComfyUI's binary WebSocket frames: <c>[event type: uint32 BE][payload]</c>. Type 1 is a preview image,
/// 3 progress text, 4 a preview with a JSON metadata header naming its prompt. Only type 4 says which prompt it
/// is about; the others belong to whatever prompt the worker is running.
/// </summary>
internal static class ComfyUiBinaryFrame
{
    public const uint PreviewImage = 1;
    public const uint ProgressText = 3;
    public const uint PreviewImageWithMetadata = 4;

    /// <summary>Whether the frame is one of the kinds passed on to clients (and well-formed enough to have a type).</summary>
    public static bool IsForwarded(ReadOnlySpan<byte> frame, out uint eventType)
    {
        eventType = frame.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(frame) : 0;
        return frame.Length > 4 && eventType is PreviewImage or ProgressText or PreviewImageWithMetadata;
    }

    /// <summary>The <c>prompt_id</c> of a type 4 frame's metadata; null for other types or unreadable metadata.</summary>
    public static string? PromptIdOf(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 8 || BinaryPrimitives.ReadUInt32BigEndian(frame) != PreviewImageWithMetadata)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(frame[4..]);
        if (length > frame.Length - 8)
        {
            return null;
        }

        return ComfyJson.TryParse(frame.Slice(8, (int)length)) is JObject metadata ? ComfyJson.String(metadata, "prompt_id") : null;
    }
}
