using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Text;
using Gantry.Engine.Json;
using Microsoft.AspNetCore.Http;

namespace Gantry.Tests.FakeComfyUi;

/// <summary>
/// The fake's <c>/ws</c>: one registration per <c>clientId</c> (a newer socket replaces an older one), the
/// <c>status</c> greeting with <c>sid</c>, the <c>executing</c> replay (no prompt_id) for a reconnecting client whose
/// prompt is mid-node, and ComfyUI's routing: events go to the prompt's client; progress, previews and interrupts are
/// broadcast when the prompt has none. Client frames are read and ignored except a first <c>feature_flags</c>.
/// </summary>
public sealed partial class FakeComfyUiServer
{
    private static readonly HashSet<string> BroadcastWithoutClient = ["progress", "progress_state", "execution_interrupted"];

    private readonly Dictionary<string, FakeSocket> _sockets = new(StringComparer.Ordinal);
    private readonly List<string> _clientTexts = [];
    private readonly List<string> _connectedClientIds = [];

    /// <summary>Every <c>clientId</c> that connected, once per connection, in order.</summary>
    public IReadOnlyList<string> SocketConnections
    {
        get
        {
            lock (_lock)
            {
                return [.. _connectedClientIds];
            }
        }
    }

    /// <summary>Text frames clients sent (a client that sends <c>feature_flags</c> shows up here).</summary>
    public IReadOnlyList<string> ClientTexts
    {
        get
        {
            lock (_lock)
            {
                return [.. _clientTexts];
            }
        }
    }

    /// <summary>Cuts every WebSocket at once (the HTTP side stays up).</summary>
    public void DropSockets() => AbortAllSockets();

    /// <summary>A text frame with anything in it, to every socket.</summary>
    public Task SendRawTextToAllAsync(string text) => SendRawTextAsync(null, text);

    /// <summary>A binary frame with anything in it, to every socket.</summary>
    public Task SendBinaryToAllAsync(byte[] frame) => SendBinaryAsync(null, frame);

    internal Task SendEventAsync(string? clientId, string type, JObject data)
    {
        if (clientId is null && !BroadcastWithoutClient.Contains(type))
        {
            return Task.CompletedTask;
        }

        return SendTextAsync(clientId, Frame(type, data));
    }

    internal Task SendRawTextAsync(string? clientId, string text) => SendTextAsync(clientId, Encoding.UTF8.GetBytes(text));

    internal Task SendBinaryAsync(string? clientId, byte[] frame) => SendToAsync(clientId, frame, WebSocketMessageType.Binary);

    private Task BroadcastStatusAsync() => SendTextAsync(null, Frame("status", Status(QueueRemaining)));

    private Task SendTextAsync(string? clientId, byte[] frame) => SendToAsync(clientId, frame, WebSocketMessageType.Text);

    private async Task SendToAsync(string? clientId, byte[] frame, WebSocketMessageType type)
    {
        FakeSocket[] targets;
        lock (_lock)
        {
            targets = clientId is null ? [.. _sockets.Values] : _sockets.TryGetValue(clientId, out var one) ? [one] : [];
        }

        foreach (var target in targets)
        {
            await target.SendAsync(frame, type);
        }
    }

    private static byte[] Frame(string type, JObject data) => new JObjectBuilder { ["type"] = type, ["data"] = data }.Build().ToJsonBytes();

    private async Task HandleSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (RefuseSockets)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var clientId = context.Request.Query["clientId"].ToString();
        var sid = string.IsNullOrEmpty(clientId) ? Guid.NewGuid().ToString("N") : clientId;
        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        var socket = new FakeSocket(webSocket, context);
        FakeRun? running;
        lock (_lock)
        {
            _sockets[sid] = socket;
            _connectedClientIds.Add(sid);
            running = _running;
        }

        try
        {
            await socket.SendAsync(Frame("status", Status(QueueRemaining, sid)), WebSocketMessageType.Text);
            if (running is { CurrentNode: { } node } && running.Prompt.ClientId == sid)
            {
                await socket.SendAsync(Frame("executing", new JObjectBuilder { ["node"] = node }.Build()), WebSocketMessageType.Text);
            }

            await ReadClientFramesAsync(webSocket, socket, context.RequestAborted);
        }
        finally
        {
            lock (_lock)
            {
                if (_sockets.TryGetValue(sid, out var registered) && ReferenceEquals(registered, socket))
                {
                    _sockets.Remove(sid);
                }
            }
        }
    }

    private async Task ReadClientFramesAsync(WebSocket webSocket, FakeSocket socket, CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, _life.Token);
        var buffer = new byte[64 * 1024];
        var first = true;
        try
        {
            while (true)
            {
                var result = await webSocket.ReceiveAsync(buffer, stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, stop.Token);
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
                    lock (_lock)
                    {
                        _clientTexts.Add(text);
                    }

                    if (first && JParser.TryParse(text, out var message, out _) && message is JObject { } obj && obj["type"]?.AsString == "feature_flags")
                    {
                        await socket.SendAsync(Frame("feature_flags", Features()), WebSocketMessageType.Text);
                    }

                    first = false;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // Client gone or server stopping.
        }
    }

    private void AbortAllSockets()
    {
        FakeSocket[] sockets;
        lock (_lock)
        {
            sockets = [.. _sockets.Values];
            _sockets.Clear();
        }

        foreach (var socket in sockets)
        {
            socket.Abort();
        }
    }

    private static JObject Features() => new JObjectBuilder { ["supports_preview_metadata"] = true, ["max_upload_size"] = 104857600 }.Build();

    /// <summary>
    /// One client's socket: sends one frame at a time. Its gate is never disposed: a sender can still be queued on it
    /// when the socket is cut and its handler returns, and a disposed gate would neither let that sender in nor let the
    /// sender ahead of it out (a soak run hung in a restart that waited for such a sender forever).
    /// </summary>
    [SuppressMessage("Reliability", "CA1001", Justification = "The gate is left to the collector on purpose (above).")]
    private sealed class FakeSocket(WebSocket webSocket, HttpContext context)
    {
        private readonly SemaphoreSlim _send = new(1, 1);

        public async Task SendAsync(byte[] frame, WebSocketMessageType type)
        {
            await _send.WaitAsync();
            try
            {
                if (webSocket.State == WebSocketState.Open)
                {
                    await webSocket.SendAsync(frame, type, endOfMessage: true, CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The client is gone; ComfyUI drops messages for sockets that are not there.
            }
            finally
            {
                _send.Release();
            }
        }

        public void Abort()
        {
            try
            {
                context.Abort();
            }
            catch (ObjectDisposedException)
            {
                // The socket's request already ended (the client left between the snapshot and this call): nothing to cut.
            }
        }
    }
}
