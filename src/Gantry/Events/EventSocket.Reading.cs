using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Gantry.Events;

/// <summary>The reader loop: the client's first text message may be <c>feature_flags</c>; everything else is ignored, as ComfyUI does.</summary>
public sealed partial class EventSocket
{
    private const int ReceiveBufferBytes = 1024;
    private const int MaxFirstMessageBytes = 64 * 1024;

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[ReceiveBufferBytes];
        ArrayBufferWriter<byte>? firstMessage = null;
        var firstTextSeen = false;
        var firstTooLong = false;
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    Stop(StopReason.ClientClosed);
                    return;
                }

                if (firstTextSeen || received.MessageType != WebSocketMessageType.Text)
                {
                    continue;
                }

                if (received.EndOfMessage && firstMessage is null)
                {
                    firstTextSeen = true;
                    OnFirstTextMessage(buffer.AsSpan(0, received.Count));
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
                        OnFirstTextMessage(firstMessage.WrittenSpan);
                    }

                    firstMessage = null;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            Stop(StopReason.ClientGone);
        }
    }

    /// <summary>Answers <c>{"type": "feature_flags", "data": {…}}</c> with the server's flags and remembers <c>supports_preview_metadata</c>.</summary>
    private void OnFirstTextMessage(ReadOnlySpan<byte> message)
    {
        if (!TryReadFeatureFlags(message, out var previewMetadata))
        {
            return;
        }

        _previewMetadata = previewMetadata;
        _subscription.Offer(_featureFlagsReply);
    }

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
