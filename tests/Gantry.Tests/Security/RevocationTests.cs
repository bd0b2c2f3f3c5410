using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using Gantry.Tests.Events;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Security;

/// <summary>
/// Revocation and limit changes take effect at once: a revoked key's open socket is closed (1008), its next request
/// gets 401, and a user's new limit applies to their next submit, whether the change came through this instance's
/// store or from the <c>gantry keys revoke</c> command in another process.
/// </summary>
public sealed class RevocationTests
{
    [Fact]
    public async Task A_key_revoked_through_the_store_closes_its_open_socket_and_gets_401_at_once()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var user = await server.CreateUserAsync();
        var (socket, _) = await TestSocket.OpenAsync(server, user.Key);
        await using var open = socket;
        using (var before = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken))
        {
            before.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await server.Store.RevokeApiKeyAsync(user.KeyId, 1, TestContext.Current.CancellationToken)).ShouldBeTrue();

        using (var after = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken))
        {
            after.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var (close, _) = await open.ReceiveUntilCloseAsync();
        close.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        close.CloseDescription.ShouldNotBeNull().ShouldContain("revoked");
    }

    [Fact]
    public async Task A_key_revoked_by_the_cli_in_another_process_closes_its_open_socket()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var user = await server.CreateUserAsync();
        using var bystander = await server.CreateUserAsync();
        var (socket, _) = await TestSocket.OpenAsync(server, user.Key);
        await using var open = socket;
        var (other, _) = await TestSocket.OpenAsync(server, bystander.Key);
        await using var otherSocket = other;

        var (code, _, stderr) = await GantryProcess.RunAsync(
            ["keys", "revoke", user.KeyId.ToString(CultureInfo.InvariantCulture), "--data", server.DataDirectory]);
        code.ShouldBe(0, stderr);

        var (close, _) = await open.ReceiveUntilCloseAsync();
        close.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        using (var after = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken))
        {
            after.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        otherSocket.Socket.State.ShouldBe(WebSocketState.Open);
        using var stillThere = await bystander.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        stillThere.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_lowered_queue_limit_applies_to_the_next_submit()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var user = await server.CreateUserAsync();
        using (var first = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), TestContext.Current.CancellationToken))
        {
            first.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await server.Store.UpdateUserLimitsAsync(user.User.Id, null, null, 1, TestContext.Current.CancellationToken);

        using var second = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), TestContext.Current.CancellationToken);
        second.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }
}
