using System.Net.WebSockets;
using Gantry.Events;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Events;

/// <summary>Sockets that fall behind, and the server going away: each test runs its own server.</summary>
public sealed class EventSocketLifecycleTests
{
    [Fact]
    public async Task A_socket_that_stops_reading_is_closed_with_1008_while_the_others_of_the_user_get_everything()
    {
        // The slow client reads again only once the fast one has all 64 frames. Until then the server's send to it is
        // stuck on a full TCP window, and a socket being closed gets SocketCloseTimeout to take the rest of that frame
        // before it is aborted (a reset, not a 1008). With the default 5 s a loaded machine outran it: the close
        // timeout here is as long as the test may take, so the only way to the 1008 is the one this test is about.
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string>
        {
            ["Gantry:Comfy:SocketBufferFrames"] = "8",
            ["Gantry:Comfy:SocketCloseTimeout"] = TestTimeouts.Default.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        });
        using var user = await server.CreateUserAsync();
        var hub = server.GetService<EventHub>();
        var (slow, _) = await TestSocket.OpenAsync(server, user.Key);
        var (fast, _) = await TestSocket.OpenAsync(server, user.Key);
        await using (slow)
        await using (fast)
        {
            // 64 frames of 1 MB: far more than the slow socket's 8 frames of buffer plus what the network holds for it.
            const int Frames = 64;
            var payload = new byte[1024 * 1024];
            for (var i = 0; i < Frames; i++)
            {
                payload[0] = (byte)i;
                hub.Publish(user.User.Id, EventFrame.Binary(null, payload.ToArray()));

                // In step with the fast reader, so only the slow socket falls behind.
                (await fast.ReceiveBinaryAsync())[0].ShouldBe((byte)i);
            }

            hub.SubscriberCount(user.User.Id).ShouldBe(1);
            var (close, before) = await slow.ReceiveUntilCloseAsync();
            before.ShouldBeLessThan(Frames);
            close.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
            close.CloseDescription!.ShouldContain("Too slow");

            hub.Publish(user.User.Id, EventSocketTests.Text("still-here", Guid.NewGuid()));
            (await fast.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("still-here");
        }
    }

    [Fact]
    public async Task Stopping_the_server_closes_sockets_with_1001()
    {
        var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        Task? stopping = null;
        try
        {
            using var user = await server.CreateUserAsync();
            var (socket, _) = await TestSocket.OpenAsync(server, user.Key);
            await using (socket)
            {
                stopping = server.DisposeAsync().AsTask();
                var close = await socket.ReceiveAsync();
                close.Type.ShouldBe(WebSocketMessageType.Close);
                close.CloseStatus.ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
            }

            await stopping;
        }
        finally
        {
            if (stopping is null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
