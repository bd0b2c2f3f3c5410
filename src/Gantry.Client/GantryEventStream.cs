using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace Gantry.Client;

/// <summary>One ComfyUI event of the caller's jobs (<c>executing</c>, <c>progress</c>, <c>executed</c>, <c>execution_*</c>, <c>status</c>).</summary>
public sealed record GantryEvent(string Type, JsonElement Data)
{
    public string? PromptId => JobReports.Text(Data, "prompt_id");

    /// <summary>The node an <c>executing</c>/<c>progress</c>/<c>executed</c> event is about; null for ComfyUI's "prompt finished" <c>executing</c>.</summary>
    public string? Node => JobReports.Text(Data, "node");

    /// <summary>Whether this says the prompt's run is over (the caller then asks the server for the outcome).</summary>
    public bool EndsRun => Type is "execution_success" or "execution_error" or "execution_interrupted"
        || (Type == "executing" && Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.Null);
}

/// <summary>
/// A connection to Gantry's <c>/ws</c>: every event of the key's user, read in the background into a queue so a
/// reader may give up waiting (a timeout) without aborting the socket. Binary frames (previews) are skipped.
/// Opening it waits for the server's <c>status</c> greeting, which the server sends once the socket is subscribed:
/// from then on no event of the user is missed.
/// </summary>
public sealed class GantryEventStream : IAsyncDisposable
{
    /// <summary>How long opening waits for the greeting; a server that sends none is used without it after this.</summary>
    public static readonly TimeSpan GreetingTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly Channel<GantryEvent> _events = Channel.CreateUnbounded<GantryEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _greeted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;

    private GantryEventStream(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = ReadLoopAsync();
    }

    /// <summary>Opens <c>/ws</c> under <paramref name="baseAddress"/>; <paramref name="invoker"/> is the HTTP stack to use, when not the default.</summary>
    public static async Task<GantryEventStream> ConnectAsync(Uri baseAddress, string? apiKey, HttpMessageInvoker? invoker, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(new Uri(baseAddress, "ws"))
        {
            Scheme = baseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = $"clientId=gantry-client-{Guid.NewGuid():N}",
        };
        var socket = new ClientWebSocket();
        try
        {
            if (apiKey is not null)
            {
                socket.Options.SetRequestHeader("X-API-Key", apiKey);
            }

            if (invoker is null)
            {
                await socket.ConnectAsync(builder.Uri, cancellationToken);
            }
            else
            {
                await socket.ConnectAsync(builder.Uri, invoker, cancellationToken);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var stream = new GantryEventStream(socket);
        try
        {
            await stream._greeted.Task.WaitAsync(GreetingTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // No greeting: events may have been missed before the server subscribed; waits also poll, so go on.
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }

        return stream;
    }

    /// <summary>The next event, or null when the socket closed and every event was read.</summary>
    public async ValueTask<GantryEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        while (await _events.Reader.WaitToReadAsync(cancellationToken))
        {
            if (_events.Reader.TryRead(out var next))
            {
                return next;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(4096), _stop.Token);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (result.MessageType == WebSocketMessageType.Text && Parse(buffer.WrittenMemory) is { } message)
                {
                    if (message.Type == "status")
                    {
                        _greeted.TrySetResult();
                    }

                    _events.Writer.TryWrite(message);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The stream ends; readers fall back to asking the server.
        }
        finally
        {
            _greeted.TrySetResult();
            _events.Writer.TryComplete();
        }
    }

    private static GantryEvent? Parse(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && JobReports.Text(root, "type") is { } type
                ? new GantryEvent(type, root.TryGetProperty("data", out var data) ? data.Clone() : default)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
