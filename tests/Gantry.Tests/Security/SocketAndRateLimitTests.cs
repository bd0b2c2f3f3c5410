using System.Net;
using System.Net.WebSockets;
using Gantry.Tests.Events;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Security;

/// <summary>The per-user cap on open event sockets, and the per-key request rate limit.</summary>
public sealed class SocketAndRateLimitTests
{
    [Fact]
    public async Task A_user_at_the_socket_cap_is_refused_one_more_with_429_while_another_user_connects()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Security:MaxSocketsPerUser"] = "2" });
        using var user = await server.CreateUserAsync();
        using var other = await server.CreateUserAsync();

        var (first, _) = await TestSocket.OpenAsync(server, user.Key);
        await using var firstSocket = first;
        var (second, _) = await TestSocket.OpenAsync(server, user.Key);
        await using var secondSocket = second;

        (await TestSocket.RefusedStatusAsync(server, user.Key)).ShouldBe((int)HttpStatusCode.TooManyRequests);

        var (others, _) = await TestSocket.OpenAsync(server, other.Key);
        await using var otherSocket = others;
        otherSocket.Socket.State.ShouldBe(WebSocketState.Open);
    }

    [Fact]
    public async Task A_key_over_its_request_rate_gets_429_with_retry_after_and_other_keys_do_not()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string>
        {
            ["Gantry:Security:RequestsPerSecondPerKey"] = "1",
            ["Gantry:Security:RequestBurstPerKey"] = "3",
        });
        using var user = await server.CreateUserAsync();
        using var other = await server.CreateUserAsync();

        var accepted = 0;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 50 && refused is null; i++)
        {
            var response = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
                response.Dispose();
                accepted++;
            }
        }

        using (refused.ShouldNotBeNull())
        {
            accepted.ShouldBeGreaterThanOrEqualTo(3);
            refused.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().TotalSeconds.ShouldBeGreaterThanOrEqualTo(1);
            await refused.ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "too_many_requests");
        }

        using var otherResponse = await other.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        otherResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
