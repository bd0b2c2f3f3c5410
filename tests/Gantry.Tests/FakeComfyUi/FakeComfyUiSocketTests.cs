using System.Net.WebSockets;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.FakeComfyUi;

/// <summary>The fake ComfyUI's own sockets: the tests that script faults rely on its sends never hanging.</summary>
public sealed class FakeComfyUiSocketTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_send_queued_behind_a_stalled_send_ends_when_the_sockets_are_dropped()
    {
        await using var fake = await FakeComfyUiServer.StartAsync(Ct);
        using var client = new ClientWebSocket();
        var address = new UriBuilder(fake.BaseAddress) { Scheme = "ws", Path = "ws", Query = "clientId=reader" }.Uri;
        await client.ConnectAsync(address, Ct);
        // The greeting is sent once the socket is registered; after it the client reads nothing, so a large frame stalls.
        var greeting = new byte[64 * 1024];
        (await client.ReceiveAsync(greeting, Ct)).MessageType.ShouldBe(WebSocketMessageType.Text);

        var stalled = fake.SendBinaryToAllAsync(new byte[64 * 1024 * 1024]);
        var queued = fake.SendBinaryToAllAsync([1, 2, 3]);
        stalled.IsCompleted.ShouldBeFalse("the client reads nothing, so 64 MB cannot all be in flight");
        queued.IsCompleted.ShouldBeFalse("one frame at a time: the second waits for the first");

        // Cutting the socket ends the socket's handler; both sends must still end, without an error (a dropped client
        // is not the sender's failure). Before the fix the handler disposed the send gate under the queued sender.
        fake.DropSockets();
        await stalled.WaitAsync(TestTimeouts.Default, Ct);
        await queued.WaitAsync(TestTimeouts.Default, Ct);
    }
}
