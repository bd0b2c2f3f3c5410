using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using ModelContextProtocol.Client;

namespace Gantry.Tests.Mcp;

/// <summary>Who <c>/mcp</c> lets in: a key as a bearer token works like X-API-Key, and a server without auth needs none.</summary>
public sealed class McpAuthTests
{
    [Fact]
    public async Task A_bearer_key_is_the_callers_identity_for_every_tool()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var alice = await server.CreateUserAsync();
        using var bob = await server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(alice.Client);

        await using var asAlice = await BearerAsync(server, alice.Key);
        var queue = (await asAlice.CallAsync("get_queue")).Structured();
        queue.GetProperty("pending").EnumerateArray().Select(e => e.GetProperty("prompt_id").GetString()).ShouldBe([id.ToString()]);

        await using var asBob = await BearerAsync(server, bob.Key);
        (await asBob.CallAsync("get_queue")).Structured().GetProperty("pending").GetArrayLength().ShouldBe(0);
        (await asBob.CallAsync("get_job_status", new { prompt_id = id.ToString() })).Error().ShouldContain("belongs to another user");
    }

    [Fact]
    public async Task Without_auth_the_tools_act_as_the_local_user()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Auth:Enabled"] = "false" });
        await using var client = await McpTestClients.HttpAsync(server.BaseAddress, apiKey: null);
        var submitted = (await client.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(TestWorkflows.Simple).RootElement })).Structured();
        var id = submitted.GetProperty("prompt_id").GetString()!;
        submitted.GetProperty("queue_position").GetInt32().ShouldBe(0);

        using var admin = server.CreateAdminClient();
        var job = await JobWaiter.DetailAsync(admin, Guid.Parse(id));
        job.GetProperty("status").GetString().ShouldBe("pending");
        (await client.CallAsync("cancel_job", new { prompt_id = id })).Structured().GetProperty("cancelled").GetBoolean().ShouldBeTrue();
    }

    private static Task<McpClient> BearerAsync(GantryTestServer server, string key)
        => McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(server.BaseAddress, "mcp"),
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {key}" },
            }),
            McpTestClients.ClientOptions,
            cancellationToken: TestContext.Current.CancellationToken);
}
