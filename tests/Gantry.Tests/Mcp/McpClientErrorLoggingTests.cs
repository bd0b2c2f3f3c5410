using System.Net;
using System.Text;
using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.Mcp;

/// <summary>
/// Client errors on <c>/mcp</c> are answered and logged as client errors: malformed params are a JSON-RPC error with
/// 400 (not a 500), and a tool the API refuses is logged once at Information, without a stack trace or a failure.
/// </summary>
public sealed class McpClientErrorLoggingTests : IAsyncLifetime
{
    private readonly LogRecorder _log = new(LogLevel.Information);
    private GantryTestServer? _server;

    private GantryTestServer Server => _server!;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string> { ["Logging:LogLevel:Gantry.Mcp"] = "Information", ["Logging:LogLevel:ModelContextProtocol"] = "Information" };
        _server = await GantryTestServer.StartAsync(StoreKind.Sqlite, settings, builder => builder.Logging.AddProvider(_log));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("initialize", "[]")]
    [InlineData("initialize", "\"text\"")]
    [InlineData("initialize", "{\"protocolVersion\": 5, \"capabilities\": [], \"clientInfo\": 1}")]
    [InlineData("tools/call", "[]")]
    [InlineData("tools/call", "{\"name\": [], \"arguments\": 3}")]
    [InlineData("tools/list", "[1, 2]")]
    public async Task Params_that_do_not_fit_the_method_are_a_client_error(string method, string parameters)
    {
        using var user = await Server.CreateUserAsync();
        using var response = await PostAsync(user, $$"""{"jsonrpc": "2.0", "id": 1, "method": "{{method}}", "params": {{parameters}}}""");
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        ((int)response.StatusCode).ShouldBeInRange(200, 499, body);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
            using var error = JsonDocument.Parse(body);
            error.RootElement.GetProperty("error").GetProperty("code").GetInt32().ShouldBe(-32602);
        }
        else
        {
            body.ShouldContain("error", Case.Insensitive);
        }

        // The SDK answers params it cannot read inside a session with a JSON-RPC error, logged as a Warning.
        _log.Entries.Where(e => e.Level >= LogLevel.Error).ShouldBeEmpty();
    }

    [Fact]
    public async Task Initialize_with_an_array_for_params_is_invalid_params_with_400()
    {
        using var user = await Server.CreateUserAsync();
        using var response = await PostAsync(user, """{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": []}""");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        error.RootElement.GetProperty("jsonrpc").GetString().ShouldBe("2.0");
        error.RootElement.GetProperty("error").GetProperty("code").GetInt32().ShouldBe(-32602);
        _log.Failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refused_tool_call_is_logged_once_at_information_without_a_stack_trace()
    {
        using var owner = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var id = await JobWaiter.SubmitAsync(owner.Client, TestWorkflows.Simple);
        await using var client = await McpTestClients.HttpAsync(Server.BaseAddress, other.Key);

        (await client.CallAsync("get_job_status", new { prompt_id = id.ToString() })).Error().ShouldContain("(HTTP 403 forbidden)");
        (await client.CallAsync("get_output", new { prompt_id = id.ToString() })).Error().ShouldContain("(HTTP 403 forbidden)");
        (await client.CallAsync("get_job", new { prompt_id = new[] { 1 } })).Error().ShouldContain("Invalid arguments for 'get_job'");

        var refusals = _log.Entries.Where(e => e.Category == "Gantry.Mcp.McpClientErrors").ToList();
        refusals.Count.ShouldBe(3, string.Join('\n', _log.Entries));
        refusals.ShouldAllBe(e => e.Level == LogLevel.Information && e.Exception == null);
        refusals[0].Message.ShouldContain("get_job_status");
        _log.Failures.ShouldBeEmpty(string.Join('\n', _log.Failures));
    }

    private async Task<HttpResponseMessage> PostAsync(TestUser user, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Server.BaseAddress, "mcp"));
        request.Headers.Add("X-API-Key", user.Key);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
