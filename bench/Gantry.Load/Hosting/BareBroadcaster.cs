using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace Gantry.Load.Hosting;

/// <summary>
/// The events baseline: a bare Kestrel WebSocket endpoint (<c>/bare-ws?user=N</c>) and the least a server can do to
/// fan a frame out to a user's sockets: one unbounded channel and one send loop per socket. No auth, no store, no greeting.
/// </summary>
public sealed class BareBroadcaster
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<Channel<ReadOnlyMemory<byte>>, byte>> _users = new();

    public void Map(WebApplication app)
    {
        app.UseWebSockets();
        app.Map("/bare-ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest || !long.TryParse(context.Request.Query["user"], out var user))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var channel = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
            var sockets = _users.GetOrAdd(user, _ => new());
            sockets[channel] = 0;
            try
            {
                var receive = DrainAsync(socket, context.RequestAborted);
                await foreach (var frame in channel.Reader.ReadAllAsync(context.RequestAborted))
                {
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
                }

                await receive;
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException)
            {
                // The client went away.
            }
            finally
            {
                sockets.TryRemove(channel, out _);
            }
        });
    }

    public void Publish(long user, ReadOnlyMemory<byte> frame)
    {
        if (_users.TryGetValue(user, out var sockets))
        {
            foreach (var channel in sockets.Keys)
            {
                channel.Writer.TryWrite(frame);
            }
        }
    }

    private static async Task DrainAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
        }
    }
}
