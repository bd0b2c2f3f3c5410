using System.Net;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Comfy;

/// <summary>OSS <c>POST /api/jobs/cancel</c> and <c>GET /features</c>.</summary>
public abstract class JobsBatchCancelApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task Cancels_the_callers_listed_jobs_in_any_unfinished_state()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var waiting = await JobDriver.SubmitAsync(user.Client);
        var running = await JobDriver.SubmitAsync(user.Client);
        var foreign = await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, running, JobState.Running);

        (await CancelAsync(user.Client, $$"""{"job_ids": ["{{waiting}}", "{{running}}", "{{foreign}}"]}""")).ShouldBeTrue();
        (await Server.Store.GetJobAsync(waiting, CancellationToken.None))!.State.ShouldBe(JobState.Cancelled);
        (await Server.Store.GetJobAsync(running, CancellationToken.None))!.State.ShouldBe(JobState.Cancelling);
        (await Server.Store.GetJobAsync(foreign, CancellationToken.None))!.State.ShouldBe(JobState.Queued);

        (await CancelAsync(user.Client, $$"""{"job_ids": ["{{waiting}}"]}""")).ShouldBeFalse();
        (await CancelAsync(user.Client, $$"""{"job_ids": ["{{foreign}}", "{{Guid.NewGuid()}}"]}""")).ShouldBeFalse();
        (await CancelAsync(user.Client, """{"job_ids": []}""")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("", "Request body must be valid JSON")]
    [InlineData("{\"job_ids\": [", "Request body must be valid JSON")]
    [InlineData("{}", "job_ids must be a list")]
    [InlineData("{\"job_ids\": \"0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11\"}", "job_ids must be a list")]
    [InlineData("[]", "job_ids must be a list")]
    public async Task Bad_bodies_get_oss_error_shapes(string body, string error)
    {
        using var user = await Server.CreateUserAsync();
        using var response = await user.Client.PostAsync("api/jobs/cancel", TestWorkflows.Json(body), TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.BadRequest);
        json.EnumerateObject().Select(p => p.Name).ShouldBe(["error"]);
        json.GetProperty("error").GetString().ShouldBe(error);
    }

    [Fact]
    public async Task Ids_that_are_not_canonical_uuids_are_listed_and_nothing_is_cancelled()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);
        var upper = id.ToString("D").ToUpperInvariant();
        var body = $$"""{"job_ids": ["{{id}}", "{{upper}}", "{{id:N}}", 7, null]}""";
        using var response = await user.Client.PostAsync("api/jobs/cancel", TestWorkflows.Json(body), TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.BadRequest);
        json.GetProperty("error").GetString().ShouldBe("job_ids contains invalid id(s)");
        var invalid = json.GetProperty("invalid_ids");
        invalid.GetArrayLength().ShouldBe(4);
        invalid[0].GetString().ShouldBe(upper);
        invalid[1].GetString().ShouldBe(id.ToString("N"));
        invalid[2].GetInt32().ShouldBe(7);
        invalid[3].ValueKind.ShouldBe(JsonValueKind.Null);
        (await Server.Store.GetJobAsync(id, CancellationToken.None))!.State.ShouldBe(JobState.Queued);
    }

    [Theory]
    [InlineData("features")]
    [InlineData("api/features")]
    public async Task Features_need_no_key_and_advertise_preview_metadata_and_the_upload_limit(string path)
    {
        using var anonymous = Server.CreateClient(apiKey: null);
        using var response = await anonymous.GetAsync(path, TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        json.GetProperty("supports_preview_metadata").GetBoolean().ShouldBeTrue();
        json.GetProperty("max_upload_size").GetInt64().ShouldBe(50L * 1024 * 1024);
    }

    private static async Task<bool> CancelAsync(HttpClient client, string body)
    {
        using var response = await client.PostAsync("api/jobs/cancel", TestWorkflows.Json(body), TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return json.GetProperty("cancelled").GetBoolean();
    }
}

public sealed class JobsBatchCancelApiSqliteTests(SqliteServerFixture fixture) : JobsBatchCancelApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class JobsBatchCancelApiPostgresTests(PostgresServerFixture fixture) : JobsBatchCancelApiTests(fixture), IClassFixture<PostgresServerFixture>;
