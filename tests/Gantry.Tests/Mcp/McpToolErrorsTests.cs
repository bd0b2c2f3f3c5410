using System.Net.Http.Json;
using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;

namespace Gantry.Tests.Mcp;

/// <summary>Each tool's refusals: MCP tool errors (<c>isError</c>) carrying the message the HTTP API gives for the same request.</summary>
public sealed class McpToolErrorsTests(EmbeddedSqliteServerFixture fixture) : IClassFixture<EmbeddedSqliteServerFixture>
{
    private const string UnknownId = "0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11";

    private GantryTestServer Server => fixture.Server;

    [Theory]
    [MemberData(nameof(McpToolsTests.Transports), MemberType = typeof(McpToolsTests))]
    public async Task Unknown_and_malformed_job_ids_give_the_http_apis_messages(string transport)
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await McpToolsTests.ConnectAsync(Server, transport, user.Key);

        var status = (await client.CallAsync("get_job_status", new { prompt_id = UnknownId })).Structured();
        status.GetProperty("found").GetBoolean().ShouldBeFalse();
        status.GetProperty("done").GetBoolean().ShouldBeFalse();
        status.GetProperty("running").GetBoolean().ShouldBeFalse();
        status.GetProperty("pending").GetBoolean().ShouldBeFalse();

        var waited = (await client.CallAsync("wait_for_job", new { prompt_id = UnknownId, timeout_seconds = 5 })).Structured();
        waited.GetProperty("done").GetBoolean().ShouldBeFalse();
        waited.GetProperty("timed_out").GetBoolean().ShouldBeFalse();
        waited.GetProperty("job").GetProperty("found").GetBoolean().ShouldBeFalse();

        var notFound = await HttpMessageAsync(user.Client, $"api/jobs/{UnknownId}");
        (await client.CallAsync("get_job", new { prompt_id = UnknownId })).Error().ShouldContain(notFound + " (HTTP 404 not_found)");
        (await client.CallAsync("cancel_job", new { prompt_id = UnknownId })).Error().ShouldContain(notFound);
        (await client.CallAsync("get_output", new { prompt_id = UnknownId })).Error().ShouldContain(notFound);

        var malformed = await HttpMessageAsync(user.Client, "api/jobs/not-a-uuid");
        malformed.ShouldContain("is not a job id");
        (await client.CallAsync("get_job_status", new { prompt_id = "not-a-uuid" })).Error().ShouldContain(malformed + " (HTTP 404 invalid_job_id)");
        (await client.CallAsync("get_job", new { prompt_id = "not-a-uuid" })).Error().ShouldContain(malformed);
        (await client.CallAsync("wait_for_job", new { prompt_id = "not-a-uuid", timeout_seconds = 60 })).Error().ShouldContain(malformed);
        (await client.CallAsync("cancel_job", new { prompt_id = "not-a-uuid" })).Error().ShouldContain(malformed);
    }

    [Fact]
    public async Task Another_users_job_is_forbidden_as_over_http()
    {
        using var owner = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var id = await JobWaiter.SubmitAsync(owner.Client, TestWorkflows.Simple);
        await using var client = await McpTestClients.HttpAsync(Server.BaseAddress, other.Key);
        var forbidden = await HttpMessageAsync(other.Client, $"api/jobs/{id}");
        forbidden.ShouldContain("belongs to another user");

        (await client.CallAsync("get_job_status", new { prompt_id = id.ToString() })).Error().ShouldContain(forbidden + " (HTTP 403 forbidden)");
        (await client.CallAsync("cancel_job", new { prompt_id = id.ToString() })).Error().ShouldContain(forbidden);
        (await client.CallAsync("get_output", new { prompt_id = id.ToString() })).Error().ShouldContain(forbidden);
    }

    [Fact]
    public async Task Refused_workflows_carry_the_validation_error_and_node_errors()
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await McpTestClients.HttpAsync(Server.BaseAddress, user.Key);
        const string unknownNode = """{"1": {"class_type": "NoSuchNode", "inputs": {}}, "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}""";
        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(unknownNode)), TestContext.Current.CancellationToken);
        var http = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var httpMessage = http.GetProperty("error").GetProperty("message").GetString()!;

        var refused = (await client.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(unknownNode).RootElement })).Error();
        refused.ShouldContain(httpMessage + " (HTTP 400");
        refused.ShouldContain("NoSuchNode");

        var ui = (await client.CallAsync("submit_workflow", new { workflow = new { nodes = Array.Empty<object>(), links = Array.Empty<object>() } })).Error();
        ui.ShouldContain("UI-format workflow");

        var missingNode = await client.CallAsync("submit_workflow", new
        {
            workflow = JsonDocument.Parse(TestWorkflows.Simple).RootElement,
            input_overrides = new Dictionary<string, object> { ["9"] = new { seed = 1 } },
        });
        missingNode.Error().ShouldContain("The workflow has no node '9'; its nodes are 1, 2, 3.");

        var missingInput = await client.CallAsync("submit_workflow", new
        {
            workflow = JsonDocument.Parse(TestWorkflows.Simple).RootElement,
            input_overrides = new Dictionary<string, object> { ["1"] = new { seed = 1 } },
        });
        missingInput.Error().ShouldContain("Node '1' (EmptyImage) has no input 'seed'");

        var jobs = await user.Client.GetFromJsonAsync<JsonElement>("api/jobs", TestContext.Current.CancellationToken);
        jobs.GetProperty("jobs").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Bad_filters_outputs_of_unfinished_jobs_and_bad_uploads_are_tool_errors()
    {
        using var user = await Server.CreateUserAsync();
        await using var client = await McpTestClients.HttpAsync(Server.BaseAddress, user.Key);

        var badFilter = await HttpMessageAsync(user.Client, "api/jobs?status=sleeping");
        (await client.CallAsync("list_jobs", new { status = "sleeping" })).Error().ShouldContain(badFilter + " (HTTP 400 invalid_parameter)");
        var badSort = await HttpMessageAsync(user.Client, "api/jobs?sort_by=size");
        (await client.CallAsync("list_jobs", new { sort_by = "size" })).Error().ShouldContain(badSort);

        var gate = $"mcp-{Guid.NewGuid():N}";
        var id = (await client.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(EngineTestNodes.GateGraph(gate)).RootElement })).Structured().GetProperty("prompt_id").GetString()!;
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gate));
        await JobWaiter.StateAsync(Server, Guid.Parse(id), Gantry.Domain.JobState.Running);
        (await client.CallAsync("get_output", new { prompt_id = id })).Error().ShouldContain($"Job {id} is in_progress: it has no outputs until it is done.");
        TestGate.Named(gate).Open();
        (await client.CallAsync("wait_for_job", new { prompt_id = id, timeout_seconds = 60 })).Structured().GetProperty("done").GetBoolean().ShouldBeTrue();
        (await client.CallAsync("get_output", new { prompt_id = id, filename = "missing.png" })).Error().ShouldContain($"Job {id} has no output file 'missing.png'");

        (await client.CallAsync("upload_image", new { filename = "a.png", image_base64 = "%%%" })).Error().ShouldContain("image_base64 is not valid base64.");
        (await client.CallAsync("upload_image", new { filename = "a.png" })).Error().ShouldContain("either as image_base64 or as path");
        (await client.CallAsync("upload_image", new { filename = "a.png", path = "/etc/hostname" })).Error().ShouldContain("path works only with 'gantry mcp' over stdio");
        var notAnImage = Convert.ToBase64String("not an image at all"u8.ToArray());
        (await client.CallAsync("upload_image", new { filename = "../../escape.png", image_base64 = notAnImage })).Error().ShouldContain("(HTTP 400");
    }

    [Fact]
    public async Task Over_stdio_an_unreachable_gantry_is_a_tool_error_and_a_bad_url_a_usage_error()
    {
        await using (var client = await McpTestClients.StdioAsync("http://127.0.0.1:1/", "gk_nothing"))
        {
            foreach (var (tool, arguments) in new (string, object?)[]
            {
                ("get_queue", null), ("get_history", null), ("list_nodes", null), ("list_jobs", null),
                ("get_job_status", new { prompt_id = UnknownId }), ("wait_for_job", new { prompt_id = UnknownId, timeout_seconds = 60 }),
                ("submit_workflow", new { workflow = JsonDocument.Parse(TestWorkflows.Simple).RootElement }),
                ("upload_image", new { filename = "a.png", image_base64 = "AAAA" }),
            })
            {
                (await client.CallAsync(tool, arguments)).Error().ShouldContain("Cannot reach Gantry at http://127.0.0.1:1/", customMessage: tool);
            }
        }

        await using (var client = await McpTestClients.StdioAsync(Server.BaseAddress.ToString(), "gk_wrong"))
        {
            (await client.CallAsync("get_queue")).Error().ShouldContain("Invalid API key.");
        }

        var (code, _, stderr) = await GantryProcess.RunAsync(["mcp", "--url", "ftp://nowhere"]);
        code.ShouldBe(2);
        stderr.ShouldContain("is not an http(s) URL");
    }

    private static async Task<string> HttpMessageAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        response.IsSuccessStatusCode.ShouldBeFalse();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("message").GetString()!;
    }
}
