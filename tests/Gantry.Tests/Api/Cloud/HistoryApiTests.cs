using System.Net;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Cloud;

/// <summary><c>POST /api/history</c> and the deprecated <c>GET /api/history_v2[/{id}]</c>.</summary>
public abstract class HistoryApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task History_v2_lists_finished_jobs_newest_first_without_the_ui_workflow()
    {
        using var user = await Server.CreateUserAsync();
        var older = await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(extraData: TestWorkflows.ExtraDataWithWorkflowId("wf-1")));
        var newer = await JobDriver.SubmitAsync(user.Client);
        var waiting = await JobDriver.SubmitAsync(user.Client);
        await JobDriver.MoveAsync(Server.Store, older, JobState.Succeeded);
        await JobDriver.MoveAsync(Server.Store, newer, JobState.Failed);

        using var response = await user.Client.GetAsync("api/history_v2", TestContext.Current.CancellationToken);
        var history = (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("history");
        history.EnumerateArray().Select(h => h.GetProperty("prompt_id").GetString()).ShouldBe([newer.ToString("D"), older.ToString("D")]);
        var entry = history[1];
        entry.ShouldHave(("prompt_id", JsonValueKind.String), ("create_time", JsonValueKind.Number), ("prompt", JsonValueKind.Object), ("outputs", JsonValueKind.Object), ("status", JsonValueKind.Object), ("meta", JsonValueKind.Object));
        entry.GetProperty("workflow_id").GetString().ShouldBe("wf-1");
        var extra = entry.GetProperty("prompt").GetProperty("extra_data");
        extra.GetProperty("extra_pnginfo").TryGetProperty("workflow", out _).ShouldBeFalse();
        extra.GetProperty("client_id").GetString().ShouldBe("abc");
        history.EnumerateArray().ShouldNotContain(h => h.GetProperty("prompt_id").GetString() == waiting.ToString("D"));

        using var paged = await user.Client.GetAsync("api/history_v2?max_items=1&offset=1", TestContext.Current.CancellationToken);
        (await paged.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("history")[0].GetProperty("prompt_id").GetString().ShouldBe(older.ToString("D"));

        using var bad = await user.Client.GetAsync("api/history_v2?max_items=zero", TestContext.Current.CancellationToken);
        await bad.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_parameter");
    }

    [Fact]
    public async Task History_v2_detail_is_keyed_by_prompt_id_and_empty_while_the_job_is_unfinished()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);

        using (var waiting = await user.Client.GetAsync($"api/history_v2/{id}", TestContext.Current.CancellationToken))
        {
            (await waiting.ShouldBeJsonAsync(HttpStatusCode.OK)).EnumerateObject().ShouldBeEmpty();
        }

        await JobDriver.MoveAsync(Server.Store, id, JobState.Succeeded);
        using var response = await user.Client.GetAsync($"api/history_v2/{id}", TestContext.Current.CancellationToken);
        var entry = (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty(id.ToString("D"));
        var prompt = entry.GetProperty("prompt");
        prompt.ShouldHave(("priority", JsonValueKind.Number), ("prompt_id", JsonValueKind.String), ("prompt", JsonValueKind.Object), ("extra_data", JsonValueKind.Object), ("outputs_to_execute", JsonValueKind.Array));
        prompt.GetProperty("extra_data").GetProperty("create_time").IsInteger().ShouldBeTrue();
        entry.GetProperty("status").GetProperty("status_str").GetString().ShouldBe("success");
    }

    [Fact]
    public async Task A_job_cancelled_while_waiting_reads_as_interrupted_in_history()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);
        using (await user.Client.PostAsync($"api/jobs/{id}/cancel", null, TestContext.Current.CancellationToken))
        {
        }

        using var response = await user.Client.GetAsync($"api/history_v2/{id}", TestContext.Current.CancellationToken);
        var status = (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty(id.ToString("D")).GetProperty("status");
        status.GetProperty("status_str").GetString().ShouldBe("error");
        status.GetProperty("messages")[0][0].GetString().ShouldBe("execution_interrupted");
    }

    [Fact]
    public async Task Post_history_deletes_finished_jobs_but_never_unfinished_ones()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var done = await JobDriver.SubmitAsync(user.Client);
        var kept = await JobDriver.SubmitAsync(user.Client);
        var waiting = await JobDriver.SubmitAsync(user.Client);
        var foreign = await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, done, JobState.Succeeded);
        await JobDriver.MoveAsync(Server.Store, kept, JobState.Failed);
        await JobDriver.MoveAsync(Server.Store, foreign, JobState.Succeeded);

        using (var delete = await user.Client.PostAsync("api/history", TestWorkflows.Json($$"""{"delete": ["{{done}}", "{{waiting}}", "{{foreign}}"]}"""), TestContext.Current.CancellationToken))
        {
            delete.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await Server.Store.GetJobAsync(done, CancellationToken.None)).ShouldBeNull();
        (await Server.Store.GetJobAsync(kept, CancellationToken.None)).ShouldNotBeNull();
        (await Server.Store.GetJobAsync(waiting, CancellationToken.None)).ShouldNotBeNull();
        (await Server.Store.GetJobAsync(foreign, CancellationToken.None)).ShouldNotBeNull();

        using (var clear = await user.Client.PostAsync("api/history", TestWorkflows.Json("""{"clear": true}"""), TestContext.Current.CancellationToken))
        {
            clear.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await Server.Store.GetJobAsync(kept, CancellationToken.None)).ShouldBeNull();
        (await Server.Store.GetJobAsync(waiting, CancellationToken.None)).ShouldNotBeNull();
        (await Server.Store.GetJobAsync(foreign, CancellationToken.None)).ShouldNotBeNull();
    }
}

public sealed class HistoryApiSqliteTests(SqliteServerFixture fixture) : HistoryApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class HistoryApiPostgresTests(PostgresServerFixture fixture) : HistoryApiTests(fixture), IClassFixture<PostgresServerFixture>;
