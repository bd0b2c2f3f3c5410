using System.Net;
using System.Text;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Jobs;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Mcp;

namespace Gantry.Tests.Api.V2;

/// <summary><c>/api/v2/jobs</c> through real HTTP, every answer validated against <c>openapi-v2.yaml</c>.</summary>
public abstract class V2JobsApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task A_submit_is_201_with_the_job_and_its_links_and_GET_returns_the_same_job()
    {
        using var user = await Server.CreateUserAsync();
        var (status, created) = await V2Requests.SubmitAsync(user.Client, V2Requests.Body());
        status.ShouldBe(HttpStatusCode.Created);
        created.GetProperty("status").GetString().ShouldBe("queued");
        created.GetProperty("queue_position").GetInt32().ShouldBe(0);
        created.GetProperty("started_at").ValueKind.ShouldBe(JsonValueKind.Null);
        created.GetProperty("outputs").GetArrayLength().ShouldBe(0);
        var id = Guid.Parse(created.GetProperty("id").GetString()!);
        created.GetProperty("urls").GetProperty("self").GetString().ShouldBe($"/api/v2/jobs/{id:D}");
        created.GetProperty("urls").GetProperty("events").GetString().ShouldBe($"/api/v2/jobs/{id:D}/events");

        var second = await V2Requests.SubmitOkAsync(user.Client);
        (await V2Requests.GetJobOkAsync(user.Client, second)).GetProperty("queue_position").GetInt32().ShouldBe(1);

        var job = await V2Requests.GetJobOkAsync(user.Client, id);
        job.GetProperty("id").GetString().ShouldBe(id.ToString("D"));
        job.GetProperty("created_at").GetString().ShouldBe(created.GetProperty("created_at").GetString());
        var expires = DateTimeOffset.Parse(job.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var createdAt = DateTimeOffset.Parse(job.GetProperty("created_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        (expires - createdAt).ShouldBe(TimeSpan.FromDays(30));
    }

    [Theory]
    [InlineData(JobState.Dispatched, "queued")]
    [InlineData(JobState.Running, "running")]
    [InlineData(JobState.Succeeded, "succeeded")]
    [InlineData(JobState.Failed, "failed")]
    [InlineData(JobState.Cancelled, "canceled")]
    public async Task Every_state_has_its_v2_status_and_conforms(JobState state, string v2Status)
    {
        using var user = await Server.CreateUserAsync();
        var id = await V2Requests.SubmitOkAsync(user.Client);
        var record = await JobDriver.MoveAsync(Server.Store, id, state);

        var job = await V2Requests.GetJobOkAsync(user.Client, id);
        job.GetProperty("status").GetString().ShouldBe(v2Status);
        var terminal = JobStateMachine.IsTerminal(state);
        (job.GetProperty("completed_at").ValueKind == JsonValueKind.String).ShouldBe(terminal);
        (job.GetProperty("queue_position").ValueKind == JsonValueKind.Number).ShouldBe(state == JobState.Dispatched);
        if (state == JobState.Failed)
        {
            var error = job.GetProperty("error");
            error.GetProperty("code").GetString().ShouldBe("node_execution_error");
            error.GetProperty("node_id").GetString().ShouldBe("2");
            error.GetProperty("class_type").GetString().ShouldBe("ImageInvert");
        }
        else
        {
            job.GetProperty("error").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        if (state == JobState.Succeeded)
        {
            job.GetProperty("progress").GetProperty("value").GetDouble().ShouldBe(1);
            job.GetProperty("metrics").GetProperty("execution_ms").GetInt64().ShouldBe(record.ExecutionEndMs!.Value - record.ExecutionStartMs!.Value);
        }

        // The same job on the other surfaces, in their words.
        using var cloud = await user.Client.GetAsync($"api/jobs/{id:D}", TestContext.Current.CancellationToken);
        var detail = await cloud.ShouldBeJsonAsync(HttpStatusCode.OK);
        detail.GetProperty("status").GetString().ShouldBe(JobStatusVocabulary.ToWire(JobStatusVocabulary.ToPublicStatus(state)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gty_not-a-real-key")]
    public async Task A_request_without_a_valid_key_is_401_as_the_v2_ErrorEnvelope_and_v1_keeps_its_own_body(string? key)
    {
        using var client = Server.CreateClient(key);
        using var v2 = await client.GetAsync($"api/v2/jobs/{Guid.NewGuid():D}", TestContext.Current.CancellationToken);
        var envelope = await V2Requests.Conformant(v2, "/api/v2/jobs/{id}", "get");
        v2.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        envelope.GetProperty("error").GetProperty("code").GetString().ShouldBe("unauthorized");

        using var upload = await client.PostAsync("api/v2/assets", new MultipartFormDataContent(), TestContext.Current.CancellationToken);
        upload.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await V2Requests.Conformant(upload, "/api/v2/assets", "post")).GetProperty("error").GetProperty("code").GetString().ShouldBe("unauthorized");

        using var v1 = await client.GetAsync($"api/jobs/{Guid.NewGuid():D}", TestContext.Current.CancellationToken);
        var body = await v1.ShouldBeJsonAsync(HttpStatusCode.Unauthorized);
        body.GetProperty("code").GetString().ShouldBe("unauthorized");
    }

    [Fact]
    public async Task The_workflow_comes_back_byte_for_byte_in_api_format()
    {
        using var user = await Server.CreateUserAsync();
        const string workflow = """{"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}, "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}""";
        var id = await V2Requests.SubmitOkAsync(user.Client, workflow);
        var (status, body) = await V2Requests.GetAsync(user.Client, $"api/v2/jobs/{id:D}/workflow", "/api/v2/jobs/{id}/workflow");
        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("format").GetString().ShouldBe("api");
        body.GetProperty("workflow").GetRawText().ShouldBe(workflow);
    }

    [Theory]
    [InlineData("""{"workflow": {"nodes": [], "links": [], "version": 0.4}}""", "workflow_format_ui")]
    [InlineData("""{"workflow": {"1": {"class_type": "LoadImage", "inputs": {"image": {"__type": "core/ASSET", "info": {"id": "9f8a1c0d-2b3e-4f56-8a7b-1c2d3e4f5a6b"}}}}}}""", "missing_asset")]
    [InlineData("""{"workflow": {"1": {"inputs": {}}}}""", "invalid_workflow")]
    [InlineData("""{"workflow": [1, 2]}""", "invalid_workflow")]
    [InlineData("""{"prompt": {}}""", "invalid_workflow")]
    [InlineData("""{"workflow": {"1": 2""", "invalid_workflow")]
    [InlineData("""{"workflow": {}, "webhook_url": "https://example.com/hook"}""", "invalid_request")]
    [InlineData("""{"workflow": {}, "inputs": {}}""", "invalid_request")]
    [InlineData("""{"workflow": {}, "extra_data": {"client_id": "x"}}""", "invalid_request")]
    [InlineData("""{"workflow": {}, "extra_data": {"api_key_comfy_org": 5}}""", "invalid_request")]
    public async Task A_refused_submit_is_422_with_the_code_and_writes_nothing(string body, string code)
    {
        using var user = await Server.CreateUserAsync();
        var (status, error) = await V2Requests.SubmitAsync(user.Client, body);
        status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        error.GetProperty("error").GetProperty("code").GetString().ShouldBe(code);
        (await Server.Store.CountUserJobsInStatesAsync(user.User.Id, JobStateMachine.ActiveStates, CancellationToken.None)).ShouldBe(0);
    }

    [Fact]
    public async Task An_invalid_graph_says_which_node_in_the_details()
    {
        using var user = await Server.CreateUserAsync();
        var (status, error) = await V2Requests.SubmitAsync(user.Client, V2Requests.Body("""{"1": {"class_type": "SaveImage", "inputs": {"images": ["9", 0], "filename_prefix": "x"}}}"""));
        status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        error.GetProperty("error").GetProperty("code").GetString().ShouldBe("invalid_workflow");
        error.GetProperty("error").GetProperty("details").GetProperty("node_errors").ValueKind.ShouldBe(JsonValueKind.Object);
    }

    [Fact]
    public async Task A_body_one_byte_over_the_limit_is_refused_and_nothing_is_written()
    {
        await using var server = await GantryTestServer.StartAsync(Kind, new Dictionary<string, string> { ["Gantry:Api:MaxRequestBodyBytes"] = "1000" });
        using var user = await server.CreateUserAsync();
        var body = V2Requests.Body();
        body = body[..^1] + new string(' ', 1001 - Encoding.UTF8.GetByteCount(body)) + "}";
        Encoding.UTF8.GetByteCount(body).ShouldBe(1001);
        using var response = await user.Client.PostAsync("api/v2/jobs", TestWorkflows.Json(body), TestContext.Current.CancellationToken);
        var error = await response.ShouldBeJsonAsync(HttpStatusCode.RequestEntityTooLarge);
        V2Requests.ShouldConform("ErrorEnvelope", error);
        (await server.Store.CountUserJobsInStatesAsync(user.User.Id, JobStateMachine.ActiveStates, CancellationToken.None)).ShouldBe(0);
    }

    [Fact]
    public async Task Unknown_malformed_and_other_users_jobs_are_all_404_not_found()
    {
        using var owner = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var id = await V2Requests.SubmitOkAsync(owner.Client);
        foreach (var path in new[] { $"api/v2/jobs/{id:D}", $"api/v2/jobs/{Guid.NewGuid():D}", "api/v2/jobs/not-a-uuid" })
        {
            var (status, error) = await V2Requests.GetAsync(other.Client, path, "/api/v2/jobs/{id}");
            status.ShouldBe(HttpStatusCode.NotFound);
            error.GetProperty("error").GetProperty("code").GetString().ShouldBe("not_found");
        }

        var (cancelStatus, _) = await V2Requests.CancelAsync(other.Client, id);
        cancelStatus.ShouldBe(HttpStatusCode.NotFound);
        var (workflowStatus, _) = await V2Requests.GetAsync(other.Client, $"api/v2/jobs/{id:D}/workflow", "/api/v2/jobs/{id}/workflow");
        workflowStatus.ShouldBe(HttpStatusCode.NotFound);
        (await Server.Store.GetJobAsync(id, CancellationToken.None))!.State.ShouldBe(JobState.Queued);
    }

    [Fact]
    public async Task Cancel_moves_a_queued_job_to_canceled_a_running_one_to_canceling_and_leaves_a_finished_one()
    {
        using var user = await Server.CreateUserAsync();
        var queued = await V2Requests.SubmitOkAsync(user.Client);
        var running = await V2Requests.SubmitOkAsync(user.Client);
        var done = await V2Requests.SubmitOkAsync(user.Client);
        await JobDriver.MoveAsync(Server.Store, running, JobState.Running);
        await JobDriver.MoveAsync(Server.Store, done, JobState.Succeeded);

        (await V2Requests.CancelAsync(user.Client, queued)).Body.GetProperty("status").GetString().ShouldBe("canceled");
        (await V2Requests.CancelAsync(user.Client, running)).Body.GetProperty("status").GetString().ShouldBe("canceling");
        (await V2Requests.CancelAsync(user.Client, done)).Body.GetProperty("status").GetString().ShouldBe("succeeded");
        (await V2Requests.CancelAsync(user.Client, queued)).Body.GetProperty("status").GetString().ShouldBe("canceled");
    }

    [Fact]
    public async Task One_job_three_views_submitted_anywhere_cancelled_anywhere()
    {
        using var user = await Server.CreateUserAsync();

        // v1 submit, seen by v2 and OSS; v2 cancel, seen by v1 and OSS.
        var v1 = await JobDriver.SubmitAsync(user.Client);
        (await V2Requests.GetJobOkAsync(user.Client, v1)).GetProperty("status").GetString().ShouldBe("queued");
        (await OssQueueIdsAsync(user.Client)).ShouldContain(v1.ToString("D"));
        await V2Requests.CancelAsync(user.Client, v1);
        await CloudStatusShouldBeAsync(user.Client, v1, "cancelled");
        (await OssQueueIdsAsync(user.Client)).ShouldNotContain(v1.ToString("D"));

        // v2 submit, seen by v1 and OSS; v1 cancel, seen by v2.
        var v2 = await V2Requests.SubmitOkAsync(user.Client);
        await CloudStatusShouldBeAsync(user.Client, v2, "waiting_to_dispatch");
        (await OssQueueIdsAsync(user.Client)).ShouldContain(v2.ToString("D"));
        using (var cancel = await user.Client.PostAsync($"api/jobs/{v2:D}/cancel", null, TestContext.Current.CancellationToken))
        {
            (await cancel.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("cancelled").GetBoolean().ShouldBeTrue();
        }

        (await V2Requests.GetJobOkAsync(user.Client, v2)).GetProperty("status").GetString().ShouldBe("canceled");

        // OSS submit (bare /prompt) and OSS interrupt-by-id through /api/jobs/{id}/cancel's OSS twin: seen by v2.
        using var oss = await user.Client.PostAsync("prompt", TestWorkflows.Json(TestWorkflows.Body()), TestContext.Current.CancellationToken);
        var ossId = Guid.Parse((await oss.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("prompt_id").GetString()!);
        (await V2Requests.GetJobOkAsync(user.Client, ossId)).GetProperty("status").GetString().ShouldBe("queued");
        using (var delete = await user.Client.PostAsync("queue", TestWorkflows.Json($$"""{"delete": ["{{ossId:D}}"]}"""), TestContext.Current.CancellationToken))
        {
            delete.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await V2Requests.GetJobOkAsync(user.Client, ossId)).GetProperty("status").GetString().ShouldBe("canceled");

        // MCP submit, seen by v1, v2 and OSS; v2 cancel, seen by v1 and MCP (which also sees the v1 job's cancel).
        await using var mcp = await McpTestClients.HttpAsync(Server.BaseAddress, user.Key);
        var submitted = await mcp.CallAsync("submit_workflow", new { workflow = JsonDocument.Parse(TestWorkflows.Simple).RootElement });
        var mcpId = Guid.Parse(submitted.Structured().GetProperty("prompt_id").GetString()!);
        (await V2Requests.GetJobOkAsync(user.Client, mcpId)).GetProperty("status").GetString().ShouldBe("queued");
        await CloudStatusShouldBeAsync(user.Client, mcpId, "waiting_to_dispatch");
        (await OssQueueIdsAsync(user.Client)).ShouldContain(mcpId.ToString("D"));
        (await V2Requests.CancelAsync(user.Client, mcpId)).Body.GetProperty("status").GetString().ShouldBe("canceled");
        await CloudStatusShouldBeAsync(user.Client, mcpId, "cancelled");
        foreach (var id in new[] { mcpId, v1 })
        {
            var status = (await mcp.CallAsync("get_job_status", new { prompt_id = id.ToString("D") })).Structured();
            status.GetProperty("status").GetString().ShouldBe("cancelled");
            status.GetProperty("done").GetBoolean().ShouldBeTrue();
        }
    }

    private static async Task CloudStatusShouldBeAsync(HttpClient client, Guid id, string status)
    {
        using var response = await client.GetAsync($"api/job/{id:D}/status", TestContext.Current.CancellationToken);
        (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString().ShouldBe(status);
    }

    private static async Task<List<string>> OssQueueIdsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("queue", TestContext.Current.CancellationToken);
        var queue = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return [.. queue.GetProperty("queue_running").EnumerateArray().Concat(queue.GetProperty("queue_pending").EnumerateArray()).Select(item => item[1].GetString()!)];
    }
}

public sealed class V2JobsApiSqliteTests(SqliteServerFixture fixture) : V2JobsApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class V2JobsApiPostgresTests(PostgresServerFixture fixture) : V2JobsApiTests(fixture), IClassFixture<PostgresServerFixture>;
