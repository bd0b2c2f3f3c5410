using System.Net;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Cloud;

/// <summary><c>GET/POST /api/queue</c> and <c>POST /api/interrupt</c>.</summary>
public abstract class QueueApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task The_queue_lists_running_then_pending_oldest_first_in_the_specs_tuple_order()
    {
        using var user = await Server.CreateUserAsync();
        var first = await JobDriver.SubmitAsync(user.Client);
        var second = await JobDriver.SubmitAsync(user.Client);
        var third = await JobDriver.SubmitAsync(user.Client);
        var finished = await JobDriver.SubmitAsync(user.Client);
        await JobDriver.MoveAsync(Server.Store, second, JobState.Running);
        await JobDriver.MoveAsync(Server.Store, finished, JobState.Succeeded);

        using var response = await user.Client.GetAsync("api/queue", TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        json.ShouldHave(("queue_running", JsonValueKind.Array), ("queue_pending", JsonValueKind.Array));

        var running = json.GetProperty("queue_running");
        running.GetArrayLength().ShouldBe(1);
        var item = running[0];
        item.GetArrayLength().ShouldBe(5);
        item[0].GetInt32().ShouldBe(1);
        item[1].GetString().ShouldBe(second.ToString("D"));
        item[2].ValueKind.ShouldBe(JsonValueKind.Object);
        item[2].GetProperty("3").GetProperty("class_type").GetString().ShouldBe("SaveImage");
        item[3].ValueKind.ShouldBe(JsonValueKind.Array);
        item[4].ShouldHave(("create_time", JsonValueKind.Number));

        var pending = json.GetProperty("queue_pending");
        pending.EnumerateArray().Select(p => p[1].GetString()).ShouldBe([first.ToString("D"), third.ToString("D")]);
        pending.EnumerateArray().Select(p => p[0].GetInt32()).ShouldBe([2, 3]);
    }

    [Fact]
    public async Task Delete_cancels_the_listed_jobs_in_any_state_and_clear_every_waiting_job()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var waiting = await JobDriver.SubmitAsync(user.Client);
        var running = await JobDriver.SubmitAsync(user.Client);
        var done = await JobDriver.SubmitAsync(user.Client);
        var foreign = await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, running, JobState.Running);
        await JobDriver.MoveAsync(Server.Store, done, JobState.Succeeded);

        var body = $$"""{"delete": ["{{waiting}}", "{{running}}", "{{done}}", "{{foreign}}", "{{Guid.NewGuid()}}", "junk"]}""";
        using var response = await user.Client.PostAsync("api/queue", TestWorkflows.Json(body), TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        json.ShouldHave(("deleted", JsonValueKind.Array), ("cleared", JsonValueKind.False));
        json.GetProperty("deleted").EnumerateArray().Select(e => e.GetString()).ShouldBe([waiting.ToString("D"), running.ToString("D")], ignoreOrder: true);

        (await Server.Store.GetJobAsync(foreign, CancellationToken.None))!.State.ShouldBe(JobState.Queued);
        (await Server.Store.GetJobAsync(done, CancellationToken.None))!.State.ShouldBe(JobState.Succeeded);

        var later1 = await JobDriver.SubmitAsync(user.Client);
        var later2 = await JobDriver.SubmitAsync(user.Client);
        using var clear = await user.Client.PostAsync("api/queue", TestWorkflows.Json("""{"clear": true}"""), TestContext.Current.CancellationToken);
        var cleared = await clear.ShouldBeJsonAsync(HttpStatusCode.OK);
        cleared.GetProperty("cleared").GetBoolean().ShouldBeTrue();
        cleared.GetProperty("deleted").EnumerateArray().Select(e => e.GetString()).ShouldBe([later1.ToString("D"), later2.ToString("D")], ignoreOrder: true);
        (await Server.Store.GetJobAsync(foreign, CancellationToken.None))!.State.ShouldBe(JobState.Queued);
    }

    [Theory]
    [InlineData("{\"delete\": \"abc\"}")]
    [InlineData("{\"delete\": [1, 2]}")]
    [InlineData("{\"clear\": \"yes\"}")]
    [InlineData("{\"purge\": true}")]
    [InlineData("[]")]
    public async Task A_bad_manage_body_gets_400_and_changes_nothing(string body)
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);
        foreach (var path in new[] { "api/queue", "api/history" })
        {
            using var response = await user.Client.PostAsync(path, TestWorkflows.Json(body), TestContext.Current.CancellationToken);
            await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_request");
        }

        (await Server.Store.GetJobAsync(id, CancellationToken.None))!.State.ShouldBe(JobState.Queued);
    }

    [Theory]
    [InlineData("{\"delete\": [")]
    [InlineData("")]
    public async Task Malformed_or_missing_json_gets_400(string body)
    {
        using var user = await Server.CreateUserAsync();
        using var response = await user.Client.PostAsync("api/queue", TestWorkflows.Json(body), TestContext.Current.CancellationToken);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, body.Length == 0 ? "invalid_request" : "invalid_json");
    }

    [Fact]
    public async Task Interrupt_cancels_the_callers_running_jobs_only()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var running = await JobDriver.SubmitAsync(user.Client);
        var waiting = await JobDriver.SubmitAsync(user.Client);
        var foreignRunning = await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, running, JobState.Running);
        await JobDriver.MoveAsync(Server.Store, foreignRunning, JobState.Running);

        using var response = await user.Client.PostAsync("api/interrupt", null, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        (await Server.Store.GetJobAsync(running, CancellationToken.None))!.State.ShouldBe(JobState.Cancelling);
        (await Server.Store.GetJobAsync(waiting, CancellationToken.None))!.State.ShouldBe(JobState.Queued);
        (await Server.Store.GetJobAsync(foreignRunning, CancellationToken.None))!.State.ShouldBe(JobState.Running);
    }

    [Fact]
    public async Task Interrupt_with_a_prompt_id_cancels_only_that_job()
    {
        using var user = await Server.CreateUserAsync();
        var one = await JobDriver.SubmitAsync(user.Client);
        var two = await JobDriver.SubmitAsync(user.Client);
        await JobDriver.MoveAsync(Server.Store, one, JobState.Running);
        await JobDriver.MoveAsync(Server.Store, two, JobState.Running);

        using var response = await user.Client.PostAsync("api/interrupt", TestWorkflows.Json($$"""{"prompt_id": "{{two}}"}"""), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Server.Store.GetJobAsync(one, CancellationToken.None))!.State.ShouldBe(JobState.Running);
        (await Server.Store.GetJobAsync(two, CancellationToken.None))!.State.ShouldBe(JobState.Cancelling);

        using var bad = await user.Client.PostAsync("api/interrupt", TestWorkflows.Json("""{"prompt_id": "nope"}"""), TestContext.Current.CancellationToken);
        await bad.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_job_id");
    }
}

public sealed class QueueApiSqliteTests(SqliteServerFixture fixture) : QueueApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class QueueApiPostgresTests(PostgresServerFixture fixture) : QueueApiTests(fixture), IClassFixture<PostgresServerFixture>;
