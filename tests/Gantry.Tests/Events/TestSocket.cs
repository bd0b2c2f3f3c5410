using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Events;

/// <summary>A real WebSocket client on a test server's <c>/ws</c>, reading whole messages with a generous timeout.</summary>
public sealed class TestSocket : IAsyncDisposable
{
    private TestSocket(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    /// <param name="server">The server.</param>
    /// <param name="key">Sent as <c>?token=</c>; null for none.</param>
    /// <param name="path"><c>ws</c> or <c>api/ws</c>.</param>
    /// <param name="clientId">The <c>clientId</c> query parameter, if any.</param>
    /// <param name="headerKey">Sent as the <c>X-API-Key</c> header instead, if given.</param>
    public static Task<TestSocket> ConnectAsync(GantryTestServer server, string? key, string path = "ws", string? clientId = null, string? headerKey = null)
        => ConnectAsync(server.BaseAddress, key, path, clientId, headerKey);

    /// <summary>Connects to the server at <paramref name="baseAddress"/> (a <c>gantry serve</c> process, say).</summary>
    public static async Task<TestSocket> ConnectAsync(Uri baseAddress, string? key, string path = "ws", string? clientId = null, string? headerKey = null)
    {
        var socket = Create(headerKey);
        try
        {
            using var timeout = Timeout();
            await socket.ConnectAsync(UriOf(baseAddress, path, key, clientId), timeout.Token);
            return new TestSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The HTTP status of a refused upgrade.</summary>
    public static async Task<int> RefusedStatusAsync(GantryTestServer server, string? key, string path = "ws")
    {
        using var socket = Create(headerKey: null);
        using var timeout = Timeout();
        await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(UriOf(server.BaseAddress, path, key, null), timeout.Token));
        return (int)socket.HttpStatusCode;
    }

    /// <summary>Connects and reads the status greeting.</summary>
    public static Task<(TestSocket Socket, JsonElement Greeting)> OpenAsync(GantryTestServer server, string key, string? clientId = null, string path = "ws")
        => OpenAsync(server.BaseAddress, key, clientId, path);

    /// <summary>Connects to the server at <paramref name="baseAddress"/> and reads the status greeting; a null key sends none.</summary>
    public static async Task<(TestSocket Socket, JsonElement Greeting)> OpenAsync(Uri baseAddress, string? key, string? clientId = null, string path = "ws")
    {
        var socket = await ConnectAsync(baseAddress, key, path, clientId);
        var greeting = await socket.ReceiveJsonAsync();
        greeting.GetProperty("type").GetString().ShouldBe("status");
        return (socket, greeting);
    }

    public async Task<Message> ReceiveAsync()
    {
        using var timeout = Timeout();
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer.GetMemory(64 * 1024), timeout.Token);
            buffer.Advance(result.Count);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new Message(result.MessageType, [], Socket.CloseStatus, Socket.CloseStatusDescription);
            }

            if (result.EndOfMessage)
            {
                return new Message(result.MessageType, buffer.WrittenSpan.ToArray(), null, null);
            }
        }
    }

    public async Task<JsonElement> ReceiveJsonAsync()
    {
        var message = await ReceiveAsync();
        message.Type.ShouldBe(WebSocketMessageType.Text, $"expected a text message, got {message}");
        using var document = JsonDocument.Parse(message.Data);
        return document.RootElement.Clone();
    }

    public async Task<byte[]> ReceiveBinaryAsync()
    {
        var message = await ReceiveAsync();
        message.Type.ShouldBe(WebSocketMessageType.Binary, $"expected a binary message, got {message}");
        return message.Data;
    }

    /// <summary>Reads until the server's close frame, returning it and how many data messages came before it.</summary>
    public async Task<(Message Close, int Before)> ReceiveUntilCloseAsync()
    {
        var before = 0;
        while (true)
        {
            var message = await ReceiveAsync();
            if (message.Type == WebSocketMessageType.Close)
            {
                return (message, before);
            }

            before++;
        }
    }

    public async Task SendTextAsync(string text)
    {
        using var timeout = Timeout();
        await Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = Timeout();
            try
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (WebSocketException)
            {
                // The server went first; nothing to close.
            }
        }

        Socket.Dispose();
    }

    private static ClientWebSocket Create(string? headerKey)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (headerKey is not null)
        {
            socket.Options.SetRequestHeader("X-API-Key", headerKey);
        }

        return socket;
    }

    private static Uri UriOf(Uri baseAddress, string path, string? key, string? clientId)
    {
        var query = new List<string>();
        if (key is not null)
        {
            query.Add("token=" + Uri.EscapeDataString(key));
        }

        if (clientId is not null)
        {
            query.Add("clientId=" + Uri.EscapeDataString(clientId));
        }

        var builder = new UriBuilder(new Uri(baseAddress, path)) { Scheme = "ws", Query = string.Join('&', query) };
        return builder.Uri;
    }

    private static CancellationTokenSource Timeout()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TestTimeouts.Default);
        return source;
    }

    public sealed record Message(WebSocketMessageType Type, byte[] Data, WebSocketCloseStatus? CloseStatus, string? CloseDescription)
    {
        public string Text => Encoding.UTF8.GetString(Data);

        public override string ToString() => Type == WebSocketMessageType.Text ? Text : $"{Type} ({Data.Length} bytes, close {CloseStatus})";
    }
}
