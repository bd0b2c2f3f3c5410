using System.Net;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Cloud;

/// <summary>The filters, sorts and pages of <c>GET /api/jobs</c>, and its refusals.</summary>
public abstract class JobListApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task Filters_sorts_and_pages_work_together()
    {
        using var user = await Server.CreateUserAsync();
        var a = await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(extraData: TestWorkflows.ExtraDataWithWorkflowId("wf-a")));
        var b = await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(extraData: TestWorkflows.ExtraDataWithWorkflowId("wf-b")));
        var c = await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(extraData: TestWorkflows.ExtraDataWithWorkflowId("wf-a")));
        var d = await JobDriver.SubmitAsync(user.Client);
        var e = await JobDriver.SubmitAsync(user.Client);
        await JobDriver.MoveAsync(Server.Store, a, JobState.Succeeded, durationMs: 5000);
        await JobDriver.MoveAsync(Server.Store, b, JobState.Succeeded, durationMs: 1000, outputTypes: OutputMediaTypes.Video | OutputMediaTypes.Audio);
        await JobDriver.MoveAsync(Server.Store, c, JobState.Failed, durationMs: 3000);
        await JobDriver.MoveAsync(Server.Store, d, JobState.Running);

        (await IdsAsync(user, "api/jobs")).ShouldBe([e, d, c, b, a]);
        (await IdsAsync(user, "api/jobs?sort_order=asc")).ShouldBe([a, b, c, d, e]);
        (await IdsAsync(user, "api/jobs?status=completed")).ShouldBe([b, a]);
        (await IdsAsync(user, "api/jobs?status=completed,failed")).ShouldBe([c, b, a]);
        (await IdsAsync(user, "api/jobs?status= Pending , in_progress")).ShouldBe([e, d]);
        (await IdsAsync(user, "api/jobs?workflow_id=wf-a")).ShouldBe([c, a]);
        (await IdsAsync(user, "api/jobs?output_type=image")).ShouldBe([a]);
        (await IdsAsync(user, "api/jobs?output_type=audio")).ShouldBe([b]);
        (await IdsAsync(user, "api/jobs?sort_by=execution_time&sort_order=desc&status=completed,failed")).ShouldBe([a, c, b]);
        (await IdsAsync(user, "api/jobs?sort_by=execution_time&sort_order=asc&status=completed,failed")).ShouldBe([b, c, a]);
        (await IdsAsync(user, "api/jobs?sort_by=create_time&offset=1&limit=2")).ShouldBe([d, c]);
    }

    [Fact]
    public async Task Pagination_reports_offset_limit_total_and_has_more()
    {
        using var user = await Server.CreateUserAsync();
        for (var i = 0; i < 5; i++)
        {
            await JobDriver.SubmitAsync(user.Client);
        }

        var first = await PageAsync(user, "api/jobs?limit=2");
        first.ShouldHave(("offset", JsonValueKind.Number), ("limit", JsonValueKind.Number), ("total", JsonValueKind.Number), ("has_more", JsonValueKind.True));
        first.GetProperty("limit").GetInt32().ShouldBe(2);
        first.GetProperty("total").GetInt64().ShouldBe(5);

        var last = await PageAsync(user, "api/jobs?limit=2&offset=4");
        last.GetProperty("has_more").GetBoolean().ShouldBeFalse();
        last.GetProperty("offset").GetInt32().ShouldBe(4);

        var beyond = await PageAsync(user, "api/jobs?offset=50");
        beyond.GetProperty("total").GetInt64().ShouldBe(5);
        beyond.GetProperty("has_more").GetBoolean().ShouldBeFalse();

        var defaults = await PageAsync(user, "api/jobs");
        defaults.GetProperty("limit").GetInt32().ShouldBe(100);
        defaults.GetProperty("offset").GetInt32().ShouldBe(0);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=-5")]
    [InlineData("limit=ten")]
    [InlineData("limit=1.5")]
    [InlineData("offset=-1")]
    [InlineData("offset=x")]
    [InlineData("offset=99999999999")]
    [InlineData("sort_by=created_at")]
    [InlineData("sort_by=name")]
    [InlineData("sort_order=up")]
    [InlineData("status=done")]
    [InlineData("status=pending,bogus")]
    [InlineData("output_type=text")]
    public async Task A_bad_parameter_gets_400_naming_it(string query)
    {
        using var user = await Server.CreateUserAsync();
        using var response = await user.Client.GetAsync($"api/jobs?{query}", TestContext.Current.CancellationToken);
        var json = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_parameter");
        json.GetProperty("message").GetString()!.ShouldContain(query.Split('=')[0]);
    }

    private static async Task<List<Guid>> IdsAsync(TestUser user, string path)
    {
        using var response = await user.Client.GetAsync(path);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return json.GetProperty("jobs").EnumerateArray().Select(j => Guid.Parse(j.GetProperty("id").GetString()!)).ToList();
    }

    private static async Task<JsonElement> PageAsync(TestUser user, string path)
    {
        using var response = await user.Client.GetAsync(path);
        return (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("pagination");
    }
}

public sealed class JobListApiSqliteTests(SqliteServerFixture fixture) : JobListApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class JobListApiPostgresTests(PostgresServerFixture fixture) : JobListApiTests(fixture), IClassFixture<PostgresServerFixture>;
