using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;
using static Gantry.Tests.Api.Cloud.Conformance.SpecCheck;

namespace Gantry.Tests.Api.Cloud.Conformance;

/// <summary>
/// Conformance of the Cloud spec's workflow, job, queue, history, node and account operations: each driven through the
/// real HTTP surface with a normal request (jobs in every state) and its documented errors, every answer held to the
/// spec's schema for its status (<see cref="SpecCheck"/>). Files, user data and catalogs are in
/// <see cref="CloudSpecFilesConformanceTests"/>, assets in <see cref="CloudSpecAssetsConformanceTests"/>; the guard that
/// no operation is left out is <see cref="CloudSpecCoverageTests"/>.
/// </summary>
public abstract class CloudSpecConformanceTests(ConformanceFixture fixture) : ServerTestBase(fixture)
{
    /// <summary>The README's entry for the routes that answer 401 where the spec lists none.</summary>
    internal const string No401InSpec = "also where the spec lists no 401";

    private static readonly JobState[] States = [JobState.Queued, JobState.Dispatched, JobState.Running, JobState.Succeeded, JobState.Failed, JobState.Cancelled];

    private HttpClient? _anonymous;

    private HttpClient Anonymous => _anonymous ??= Server.CreateClient(apiKey: null);

    [Fact]
    [SpecOperation("POST", "/api/prompt")]
    public async Task Submit()
    {
        using var user = await Server.CreateUserAsync();
        var accepted = await JsonAsync(user.Client, HttpMethod.Post, "api/prompt", TestWorkflows.Body(), "/api/prompt", HttpStatusCode.OK);
        accepted.Json.GetProperty("node_errors").EnumerateObject().ShouldBeEmpty();

        await JsonAsync(user.Client, HttpMethod.Post, "api/prompt", TestWorkflows.Body("""{"1": {"class_type": "NoSuchNode", "inputs": {}}}"""), "/api/prompt", HttpStatusCode.BadRequest);
        await JsonAsync(user.Client, HttpMethod.Post, "api/prompt", """{"prompt": 5}""", "/api/prompt", HttpStatusCode.BadRequest);
        await JsonAsync(user.Client, HttpMethod.Post, "api/prompt", "{", "/api/prompt", HttpStatusCode.BadRequest);
        await DifferenceAsync(Anonymous, JsonRequest(HttpMethod.Post, "api/prompt", TestWorkflows.Body()), "/api/prompt", HttpStatusCode.Unauthorized, [No401InSpec, "`POST /api/prompt`"]);
        var tooLarge = TestWorkflows.Body(extraData: $$"""{"note": "{{new string('x', ConformanceFixture.MaxBodyBytes)}}"}""");
        await DifferenceAsync(user.Client, JsonRequest(HttpMethod.Post, "api/prompt", tooLarge), "/api/prompt", HttpStatusCode.RequestEntityTooLarge,
            ["a body over `Gantry:Api:MaxRequestBodyBytes` is 413"]);

        // The user's queue fills (every job waits here): the next submit is the spec's 429.
        for (var waiting = 1; waiting < ConformanceFixture.MaxQueued; waiting++)
        {
            await JsonAsync(user.Client, HttpMethod.Post, "api/prompt", TestWorkflows.Body(), "/api/prompt", HttpStatusCode.OK);
        }

        await JsonAsync(user.Client, HttpMethod.Post, "api/prompt", TestWorkflows.Body(), "/api/prompt", HttpStatusCode.TooManyRequests);
    }

    [Fact]
    [SpecOperation("GET", "/api/prompt")]
    public async Task Prompt_info()
    {
        using var user = await Server.CreateUserAsync();
        await JobDriver.SubmitAsync(user.Client);
        var info = await GetAsync(user.Client, "api/prompt", "/api/prompt");
        info.Json.GetProperty("exec_info").GetProperty("queue_remaining").GetInt32().ShouldBe(1);
        await GetAsync(Anonymous, "api/prompt", "/api/prompt", HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("GET", "/api/object_info")]
    public async Task Object_info()
    {
        using var user = await Server.CreateUserAsync();
        var nodes = await DifferenceAsync(user.Client, Get("api/object_info"), "/api/object_info", HttpStatusCode.OK,
            ["`output_tooltips` holds `null` for an output without a tooltip"], schema: null);
        nodes.Json.EnumerateObject().Count().ShouldBeGreaterThan(20);
        nodes.Json.GetProperty("SaveImage").GetProperty("output_node").GetBoolean().ShouldBeTrue();

        // The null tooltips are the whole difference: without them the catalog conforms.
        var withoutNullTooltips = JsonNode.Parse(nodes.Text)!.AsObject();
        foreach (var (_, node) in withoutNullTooltips)
        {
            if (node?["output_tooltips"] is JsonArray tooltips)
            {
                node["output_tooltips"] = new JsonArray([.. tooltips.Select(t => (JsonNode?)JsonValue.Create(t?.GetValue<string>() ?? ""))]);
            }
        }

        OpenApiSchemaValidator.Cloud.AssertResponse("/api/object_info", "GET", 200, JsonSerializer.SerializeToElement(withoutNullTooltips));
        await DifferenceAsync(Anonymous, Get("api/object_info"), "/api/object_info", HttpStatusCode.Unauthorized, [No401InSpec, "`GET /api/object_info`"]);
    }

    [Fact]
    [SpecOperation("GET", "/api/features")]
    [SpecOperation("GET", "/api/system_stats")]
    public async Task Features_and_system_stats_with_or_without_a_key()
    {
        using var admin = Server.CreateAdminClient();
        foreach (var client in new[] { Anonymous, admin })
        {
            var features = await GetAsync(client, "api/features", "/api/features");
            features.Json.GetProperty("max_upload_size").GetInt64().ShouldBeGreaterThan(0);
            var stats = await GetAsync(client, "api/system_stats", "/api/system_stats");
            stats.Json.GetProperty("system").GetProperty("comfyui_version").GetString().ShouldNotBeNullOrEmpty();
        }
    }

    [Fact]
    [SpecOperation("GET", "/api/user")]
    public async Task User()
    {
        using var user = await Server.CreateUserAsync();
        (await GetAsync(user.Client, "api/user", "/api/user")).Json.GetProperty("status").GetString().ShouldBe("active");
        await GetAsync(Anonymous, "api/user", "/api/user", HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("GET", "/api/jobs")]
    public async Task Job_list()
    {
        using var user = await Server.CreateUserAsync();
        await JobsInEveryStateAsync(user);
        var all = await GetAsync(user.Client, "api/jobs", "/api/jobs");
        all.Json.GetProperty("jobs").GetArrayLength().ShouldBe(States.Length);
        all.Json.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("status").GetString()).Distinct().Count().ShouldBe(5);
        await GetAsync(user.Client, "api/jobs?status=completed,failed&output_type=image&sort_by=execution_time&sort_order=asc&offset=1&limit=1", "/api/jobs");
        await DifferenceAsync(user.Client, Get("api/jobs?limit=0"), "/api/jobs", HttpStatusCode.BadRequest, ["`/api/jobs`, `/api/history_v2` and `/api/interrupt` answer a malformed parameter or body with 400"]);
        await GetAsync(Anonymous, "api/jobs", "/api/jobs", HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("GET", "/api/jobs/{job_id}")]
    [SpecOperation("GET", "/api/job/{job_id}/status")]
    public async Task Job_detail_and_status()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        foreach (var (state, id) in await JobsInEveryStateAsync(user))
        {
            var detail = await GetAsync(user.Client, $"api/jobs/{id}", "/api/jobs/{job_id}");
            detail.Json.GetProperty("id").GetString().ShouldBe(id.ToString("D"), state.ToString());
            await GetAsync(user.Client, $"api/job/{id}/status", "/api/job/{job_id}/status");
            await GetAsync(other.Client, $"api/jobs/{id}", "/api/jobs/{job_id}", HttpStatusCode.Forbidden);
            await GetAsync(other.Client, $"api/job/{id}/status", "/api/job/{job_id}/status", HttpStatusCode.Forbidden);
        }

        foreach (var unknown in new[] { Guid.NewGuid().ToString("D"), "not-a-uuid" })
        {
            await GetAsync(user.Client, $"api/jobs/{unknown}", "/api/jobs/{job_id}", HttpStatusCode.NotFound);
            await GetAsync(user.Client, $"api/job/{unknown}/status", "/api/job/{job_id}/status", HttpStatusCode.NotFound);
        }

        await GetAsync(Anonymous, $"api/jobs/{Guid.NewGuid()}", "/api/jobs/{job_id}", HttpStatusCode.Unauthorized);
        await GetAsync(Anonymous, $"api/job/{Guid.NewGuid()}/status", "/api/job/{job_id}/status", HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("GET", "/api/history_v2")]
    [SpecOperation("GET", "/api/history_v2/{prompt_id}")]
    public async Task History_v2()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var jobs = await JobsInEveryStateAsync(user);
        var list = await GetAsync(user.Client, "api/history_v2", "/api/history_v2");
        list.Json.GetProperty("history").GetArrayLength().ShouldBe(3);
        await GetAsync(user.Client, "api/history_v2?max_items=1&offset=1", "/api/history_v2");
        await DifferenceAsync(user.Client, Get("api/history_v2?max_items=x"), "/api/history_v2", HttpStatusCode.BadRequest, ["`/api/jobs`, `/api/history_v2` and `/api/interrupt` answer a malformed parameter or body with 400"]);
        await GetAsync(Anonymous, "api/history_v2", "/api/history_v2", HttpStatusCode.Unauthorized);

        foreach (var state in (JobState[])[JobState.Succeeded, JobState.Failed, JobState.Cancelled])
        {
            var one = await GetAsync(user.Client, $"api/history_v2/{jobs[state]}", "/api/history_v2/{prompt_id}");
            one.Json.TryGetProperty(jobs[state].ToString("D"), out _).ShouldBeTrue(state.ToString());
        }

        await GetAsync(user.Client, $"api/history_v2/{Guid.NewGuid()}", "/api/history_v2/{prompt_id}", HttpStatusCode.NotFound);
        await DifferenceAsync(other.Client, Get($"api/history_v2/{jobs[JobState.Succeeded]}"), "/api/history_v2/{prompt_id}", HttpStatusCode.Forbidden,
            ["`/api/history_v2/{id}` answers another user's job with 403"]);
        await GetAsync(Anonymous, $"api/history_v2/{Guid.NewGuid()}", "/api/history_v2/{prompt_id}", HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("POST", "/api/history")]
    public async Task History_delete_and_clear()
    {
        using var user = await Server.CreateUserAsync();
        var jobs = await JobsInEveryStateAsync(user);
        await JsonAsync(user.Client, HttpMethod.Post, "api/history", $$"""{"delete": ["{{jobs[JobState.Succeeded]}}"]}""", "/api/history", HttpStatusCode.OK);
        await JsonAsync(user.Client, HttpMethod.Post, "api/history", """{"clear": true}""", "/api/history", HttpStatusCode.OK);
        (await GetAsync(user.Client, "api/history_v2", "/api/history_v2")).Json.GetProperty("history").GetArrayLength().ShouldBe(0);
        await JsonAsync(user.Client, HttpMethod.Post, "api/history", """{"delete": "all"}""", "/api/history", HttpStatusCode.BadRequest);
        await JsonAsync(user.Client, HttpMethod.Post, "api/history", """{"clear": true, "extra": 1}""", "/api/history", HttpStatusCode.BadRequest);
        await JsonAsync(Anonymous, HttpMethod.Post, "api/history", """{"clear": true}""", "/api/history", HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("GET", "/api/queue")]
    [SpecOperation("POST", "/api/queue")]
    public async Task Queue_read_and_manage()
    {
        using var user = await Server.CreateUserAsync();
        var jobs = await JobsInEveryStateAsync(user);
        // The spec's QueueItem is a oneOf with two `object` alternatives, which no tuple carrying a workflow can match:
        // each item is checked against the tuple its description writes instead.
        var queue = await DifferenceAsync(user.Client, Get("api/queue"), "/api/queue", HttpStatusCode.OK, ["no tuple with a workflow can match it"], schema: null);
        queue.Json.GetProperty("queue_running").GetArrayLength().ShouldBe(1);
        queue.Json.GetProperty("queue_pending").GetArrayLength().ShouldBe(2);
        foreach (var item in queue.Json.GetProperty("queue_running").EnumerateArray().Concat(queue.Json.GetProperty("queue_pending").EnumerateArray()))
        {
            item.GetArrayLength().ShouldBe(5);
            item[0].GetInt32().ShouldBeGreaterThan(0);
            Guid.TryParseExact(item[1].GetString(), "D", out _).ShouldBeTrue();
            item[2].GetProperty("3").GetProperty("class_type").GetString().ShouldBe("SaveImage");
            item[3].EnumerateArray().Select(n => n.GetString()).ShouldBe(["3"]);
            item[4].GetProperty("create_time").GetInt64().ShouldBeGreaterThan(1_000_000_000_000);
        }
        await DifferenceAsync(Anonymous, Get("api/queue"), "/api/queue", HttpStatusCode.Unauthorized, [No401InSpec, "`GET /api/queue`"]);

        var deleted = await JsonAsync(user.Client, HttpMethod.Post, "api/queue", $$"""{"delete": ["{{jobs[JobState.Queued]}}"]}""", "/api/queue", HttpStatusCode.OK);
        deleted.Json.GetProperty("deleted").EnumerateArray().Select(e => e.GetString()).ShouldBe([jobs[JobState.Queued].ToString("D")]);
        await JsonAsync(user.Client, HttpMethod.Post, "api/queue", """{"clear": true}""", "/api/queue", HttpStatusCode.OK);
        await JsonAsync(user.Client, HttpMethod.Post, "api/queue", """{"delete": [1]}""", "/api/queue", HttpStatusCode.BadRequest);
        await JsonAsync(user.Client, HttpMethod.Post, "api/queue", """{"clear": true, "front": true}""", "/api/queue", HttpStatusCode.BadRequest);
        await JsonAsync(Anonymous, HttpMethod.Post, "api/queue", """{"clear": true}""", "/api/queue", HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("POST", "/api/interrupt")]
    public async Task Interrupt()
    {
        using var user = await Server.CreateUserAsync();
        var jobs = await JobsInEveryStateAsync(user);
        await ExpectAsync(user.Client, new HttpRequestMessage(HttpMethod.Post, "api/interrupt"), "/api/interrupt", HttpStatusCode.OK);
        (await GetAsync(user.Client, $"api/jobs/{jobs[JobState.Running]}", "/api/jobs/{job_id}")).Json.GetProperty("status").GetString().ShouldBe("cancelled");
        await JsonAsync(user.Client, HttpMethod.Post, "api/interrupt", $$"""{"prompt_id": "{{jobs[JobState.Queued]}}"}""", "/api/interrupt", HttpStatusCode.OK);
        await DifferenceAsync(user.Client, JsonRequest(HttpMethod.Post, "api/interrupt", """{"prompt_id": "nope"}"""), "/api/interrupt", HttpStatusCode.BadRequest,
            ["`/api/jobs`, `/api/history_v2` and `/api/interrupt` answer a malformed parameter or body with 400"]);
        await ExpectAsync(Anonymous, new HttpRequestMessage(HttpMethod.Post, "api/interrupt"), "/api/interrupt", HttpStatusCode.Unauthorized);
    }

    /// <summary>One job of the user in each state (queued, dispatched, running, succeeded, failed, cancelled), submitted through the API.</summary>
    private async Task<Dictionary<JobState, Guid>> JobsInEveryStateAsync(TestUser user)
    {
        var jobs = new Dictionary<JobState, Guid>();
        foreach (var state in States)
        {
            var id = await JobDriver.SubmitAsync(user.Client);
            if (state != JobState.Queued)
            {
                await JobDriver.MoveAsync(Server.Store, id, state);
            }

            jobs[state] = id;
        }

        return jobs;
    }

    public override ValueTask DisposeAsync()
    {
        _anonymous?.Dispose();
        return base.DisposeAsync();
    }
}

public sealed class CloudSpecConformanceSqliteTests(SqliteConformanceFixture fixture) : CloudSpecConformanceTests(fixture), IClassFixture<SqliteConformanceFixture>;

public sealed class CloudSpecConformancePostgresTests(PostgresConformanceFixture fixture) : CloudSpecConformanceTests(fixture), IClassFixture<PostgresConformanceFixture>;
