using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Gantry.Events;

/// <summary>
/// The reader loop of an <see cref="EventSocket"/>: the client's first text message may be <c>feature_flags</c>;
/// everything else is ignored, as ComfyUI does. It never sends (the socket's writer loop alone does).
/// </summary>
internal sealed class ClientMessageReader(WebSocket socket)
{
    private const int ReceiveBufferBytes = 1024;
    private const int MaxFirstMessageBytes = 64 * 1024;

    /// <summary>
    /// Reads until the client closes (<see cref="StopReason.ClientClosed"/>) or goes (<see cref="StopReason.ClientGone"/>);
    /// a first text message that is <c>feature_flags</c> calls <paramref name="onFeatureFlags"/> with its
    /// <c>supports_preview_metadata</c>.
    /// </summary>
    public async Task<StopReason> ReadAsync(Action<bool> onFeatureFlags, CancellationToken cancellationToken)
    {
        var buffer = new byte[ReceiveBufferBytes];
        ArrayBufferWriter<byte>? firstMessage = null;
        var firstTextSeen = false;
        var firstTooLong = false;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return StopReason.ClientClosed;
                }

                if (firstTextSeen || received.MessageType != WebSocketMessageType.Text)
                {
                    continue;
                }

                if (received.EndOfMessage && firstMessage is null)
                {
                    firstTextSeen = true;
                    OnFirstTextMessage(buffer.AsSpan(0, received.Count), onFeatureFlags);
                    continue;
                }

                firstMessage ??= new ArrayBufferWriter<byte>(ReceiveBufferBytes * 2);
                firstTooLong |= firstMessage.WrittenCount + received.Count > MaxFirstMessageBytes;
                if (!firstTooLong)
                {
                    firstMessage.Write(buffer.AsSpan(0, received.Count));
                }

                if (received.EndOfMessage)
                {
                    firstTextSeen = true;
                    if (!firstTooLong)
                    {
                        OnFirstTextMessage(firstMessage.WrittenSpan, onFeatureFlags);
                    }

                    firstMessage = null;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            return StopReason.ClientGone;
        }
    }

    private static void OnFirstTextMessage(ReadOnlySpan<byte> message, Action<bool> onFeatureFlags)
    {
        if (TryReadFeatureFlags(message, out var previewMetadata))
        {
            onFeatureFlags(previewMetadata);
        }
    }

    /// <summary>Whether the message is <c>{"type": "feature_flags", …}</c>, and if so its <c>data.supports_preview_metadata</c>.</summary>
    internal static bool TryReadFeatureFlags(ReadOnlySpan<byte> message, out bool supportsPreviewMetadata)
    {
        supportsPreviewMetadata = false;
        try
        {
            var reader = new Utf8JsonReader(message);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || !type.ValueEquals("feature_flags"))
            {
                return false;
            }

            supportsPreviewMetadata = root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("supports_preview_metadata", out var flag) && flag.ValueKind == JsonValueKind.True;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
