using System.Net;
using System.Net.WebSockets;
using System.Text;
using Gantry.Client;
using Gantry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.Cli;

/// <summary>
/// The client library's wait (what <c>gantry wait</c> and the MCP <c>wait_for_job</c> tool use) against a scripted
/// server, so the order in which the socket and the polls see a job's end can be forced.
/// </summary>
public sealed class GantryJobWaitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_still_on_their_way_when_a_poll_finds_the_end_are_handed_on()
    {
        var id = Guid.NewGuid().ToString();
        var endAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var details = 0;
        await using var app = await StartAsync(app =>
        {
            app.MapGet("/api/job/{id}/status", (string id) => Results.Json(new { id, status = "in_progress" }));

            // The wait's first report says running; the next (the poll after PollInterval) says completed.
            app.MapGet("/api/jobs/{id}", (string id) =>
            {
                var ended = Interlocked.Increment(ref details) > 1;
                if (ended)
                {
                    endAnswered.TrySetResult();
                }

                return Results.Json(new { id, status = ended ? "completed" : "in_progress" });
            });

            // The socket greets, then sends the job's last node and its end only once a poll has been told it ended.
            app.Map("/ws", async (HttpContext context) =>
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                await SendAsync(socket, """{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}""");
                await endAnswered.Task.WaitAsync(context.RequestAborted);
                await SendAsync(socket, $$$"""{"type": "executing", "data": {"node": "2", "prompt_id": "{{{id}}}"}}""");
                await SendAsync(socket, $$$"""{"type": "execution_success", "data": {"prompt_id": "{{{id}}}"}}""");
                var buffer = new byte[1024];
                while (socket.State == WebSocketState.Open && (await socket.ReceiveAsync(buffer, context.RequestAborted)).MessageType != WebSocketMessageType.Close)
                {
                }
            });
        });

        using var client = new GantryApiClient(new GantryHttpConnection(GantryApp.ListeningAddress(app), "gk_test", "test"));
        var seen = new List<string>();
        var outcome = await client.WaitAsync(id, TimeSpan.FromSeconds(60), e => seen.Add($"{e.Type} {e.Node}".TrimEnd()), Ct);

        outcome.TimedOut.ShouldBeFalse();
        outcome.Report.Done.ShouldBeTrue();
        seen.ShouldBe(["executing 2", "execution_success"]);
    }

    private static async Task<WebApplication> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        map(app);
        await app.StartAsync(Ct);
        return app;
    }

    private static Task SendAsync(WebSocket socket, string json)
        => socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, Ct);
}
