using System.Net;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.V2;

/// <summary>
/// An event stream of a job that does not change (it waits; no workers) stays open with keep-alive comments every
/// <c>Gantry:V2:KeepAliveInterval</c> after its snapshot, so proxies and clients do not time it out.
/// </summary>
public sealed class V2KeepAliveTests
{
    [Fact]
    public async Task A_quiet_stream_sends_keep_alive_comments_after_the_snapshot()
    {
        await using var server = await GantryTestServer.StartAsync(
            StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:V2:KeepAliveInterval"] = "00:00:00.200" });
        using var user = await server.CreateUserAsync();
        var id = await V2Requests.SubmitOkAsync(user.Client);

        await using var events = await SseClient.OpenAsync(user.Client, $"api/v2/jobs/{id:D}/events");
        events.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var snapshot = await events.NextAsync();
        snapshot.ShouldNotBeNull().Status.ShouldBe("queued");
        V2Requests.ShouldConform("StatusEvent", snapshot.Data);

        await events.WaitForCommentAsync();
        await events.WaitForCommentAsync();
        events.Comments.ShouldBeGreaterThanOrEqualTo(2);

        // Still live after the keep-alives: a cancel arrives as the terminal status and ends the stream.
        await V2Requests.CancelAsync(user.Client, id);
        var end = await events.ReadUntilAsync(e => e.Status == "canceled");
        end.ForEach(e => e.Name.ShouldBe("status"));
        (await events.NextAsync()).ShouldBeNull();
    }
}
