using System.Buffers;
using System.Net.WebSockets;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The one WebSocket of a worker (<c>/ws?clientId=…</c>): connects with the worker's auth header and reads
/// whole messages. Sends nothing: without a <c>feature_flags</c> message from us ComfyUI keeps to the frame
/// formats every client understands (binary previews as type 1).
/// </summary>
internal sealed class ComfyUiSocket : IDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly int _maxMessageBytes;

    private ComfyUiSocket(ClientWebSocket socket, int maxMessageBytes)
    {
        _socket = socket;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>The <c>ws(s)://…/ws?clientId=</c> address for a worker's HTTP base address.</summary>
    public static Uri AddressFor(Uri baseAddress, string clientId)
    {
        var builder = new UriBuilder(new Uri(baseAddress, "ws"))
        {
            Scheme = baseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = "clientId=" + Uri.EscapeDataString(clientId),
        };
        return builder.Uri;
    }

    public static async Task<ComfyUiSocket> ConnectAsync(Uri address, WorkerAuthHeader? authHeader, ComfyUiWorkerOptions options, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = options.KeepAliveTimeout;
        if (authHeader is { } header)
        {
            socket.Options.SetRequestHeader(header.Name, header.Value);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ConnectTimeout + options.RequestTimeout);
        try
        {
            await socket.ConnectAsync(address, deadline.Token);
            return new ComfyUiSocket(socket, options.MaxMessageBytes);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            socket.Dispose();
            var cause = ex is OperationCanceledException ? "timed out" : ComfyUiClient.Describe(ex);
            throw new ComfyUiRequestException($"WebSocket {address.AbsolutePath}: {cause}", inner: ex);
        }
    }

    /// <summary>
    /// The next whole message; null once the worker closed the socket. Messages larger than the limit are
    /// skipped (returned as empty binary frames, which nobody routes).
    /// </summary>
    /// <exception cref="ComfyUiRequestException">The connection broke.</exception>
    public async Task<ReceivedFrame?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var oversized = false;
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var result = await _socket.ReceiveAsync(memory, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseQuietlyAsync();
                    return null;
                }

                if (!oversized)
                {
                    buffer.Advance(result.Count);
                    if (buffer.WrittenCount > _maxMessageBytes)
                    {
                        oversized = true;
                        buffer.ResetWrittenCount();
                    }
                }

                if (result.EndOfMessage)
                {
                    return oversized
                        ? new ReceivedFrame(IsText: false, [])
                        : new ReceivedFrame(result.MessageType == WebSocketMessageType.Text, buffer.WrittenSpan.ToArray());
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ComfyUiRequestException($"WebSocket connection lost: {ComfyUiClient.Describe(ex)}", inner: ex);
        }
    }

    /// <summary>Drops the connection at once (no close handshake).</summary>
    public void Abort() => _socket.Abort();

    public void Dispose() => _socket.Dispose();

    private async Task CloseQuietlyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The worker is gone already; nothing more to say to it.
        }
    }
}

/// <summary>One whole WebSocket message.</summary>
internal readonly record struct ReceivedFrame(bool IsText, byte[] Bytes);
