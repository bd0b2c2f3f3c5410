using System.Net;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Comfy;

/// <summary>ComfyUI's bare <c>/prompt</c>, <c>/queue</c> and <c>/interrupt</c>, scoped to the caller.</summary>
public abstract class NativeQueueApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task Prompt_works_on_the_bare_path()
    {
        using var user = await Server.CreateUserAsync();
        using var submit = await user.Client.PostAsync("prompt", TestWorkflows.Json(TestWorkflows.Body()), TestContext.Current.CancellationToken);
        var accepted = await submit.ShouldBeJsonAsync(HttpStatusCode.OK);
        accepted.ShouldHave(("prompt_id", JsonValueKind.String), ("number", JsonValueKind.Number), ("node_errors", JsonValueKind.Object));

        using var info = await user.Client.GetAsync("prompt", TestContext.Current.CancellationToken);
        (await info.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("exec_info").GetProperty("queue_remaining").GetInt32().ShouldBe(1);

        using var refused = await user.Client.PostAsync("prompt", TestWorkflows.Json("{}"), TestContext.Current.CancellationToken);
        await refused.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "no_prompt");
    }

    [Fact]
    public async Task The_queue_lists_the_callers_jobs_as_oss_tuples()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var running = await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(extraData: TestWorkflows.ExtraDataWithWorkflowId("wf-9")));
        var pending = await JobDriver.SubmitAsync(user.Client);
        var done = await JobDriver.SubmitAsync(user.Client);
        await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, running, JobState.Running);
        await JobDriver.MoveAsync(Server.Store, done, JobState.Succeeded);

        using var response = await user.Client.GetAsync("queue", TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        var item = json.GetProperty("queue_running").EnumerateArray().ShouldHaveSingleItem();
        item.GetArrayLength().ShouldBe(5);
        item[0].ValueKind.ShouldBe(JsonValueKind.Number);
        item[1].GetString().ShouldBe(running.ToString("D"));
        item[2].GetProperty("3").GetProperty("class_type").GetString().ShouldBe("SaveImage");
        item[3].GetProperty("client_id").GetString().ShouldBe("abc");
        item[3].GetProperty("create_time").IsInteger().ShouldBeTrue();
        item[3].GetProperty("extra_pnginfo").GetProperty("workflow").GetProperty("id").GetString().ShouldBe("wf-9");
        item[4].ValueKind.ShouldBe(JsonValueKind.Array);
        json.GetProperty("queue_pending").EnumerateArray().Select(p => p[1].GetString()).ShouldBe([pending.ToString("D")]);
    }

    [Fact]
    public async Task Post_queue_deletes_only_waiting_jobs_of_the_caller_and_answers_an_empty_200()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var waiting = await JobDriver.SubmitAsync(user.Client);
        var running = await JobDriver.SubmitAsync(user.Client);
        var foreign = await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, running, JobState.Running);

        var body = $$"""{"delete": ["{{waiting}}", "{{running}}", "{{foreign}}", "junk"], "client_id": "ignored"}""";
        using (var response = await user.Client.PostAsync("queue", TestWorkflows.Json(body), TestContext.Current.CancellationToken))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBeEmpty();
        }

        (await StateOf(waiting)).ShouldBe(JobState.Cancelled);
        (await StateOf(running)).ShouldBe(JobState.Running);
        (await StateOf(foreign)).ShouldBe(JobState.Queued);

        var later = await JobDriver.SubmitAsync(user.Client);
        using (var clear = await user.Client.PostAsync("queue", TestWorkflows.Json("""{"clear": true}"""), TestContext.Current.CancellationToken))
        {
            clear.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await StateOf(later)).ShouldBe(JobState.Cancelled);
        (await StateOf(running)).ShouldBe(JobState.Running);
        (await StateOf(foreign)).ShouldBe(JobState.Queued);

        using var malformed = await user.Client.PostAsync("queue", TestWorkflows.Json("""{"delete": ["""), TestContext.Current.CancellationToken);
        await malformed.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task Interrupt_stops_the_callers_running_jobs_or_just_the_one_named()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var one = await JobDriver.SubmitAsync(user.Client);
        var two = await JobDriver.SubmitAsync(user.Client);
        var waiting = await JobDriver.SubmitAsync(user.Client);
        var foreign = await JobDriver.SubmitAsync(other.Client);
        await JobDriver.MoveAsync(Server.Store, one, JobState.Running);
        await JobDriver.MoveAsync(Server.Store, two, JobState.Running);
        await JobDriver.MoveAsync(Server.Store, foreign, JobState.Running);

        await InterruptAsync(user.Client, $$"""{"prompt_id": "{{two}}"}""");
        (await StateOf(one)).ShouldBe(JobState.Running);
        (await StateOf(two)).ShouldBe(JobState.Cancelling);

        // Not a job id, or a job that is only waiting: nothing happens, as in ComfyUI.
        await InterruptAsync(user.Client, """{"prompt_id": "nope"}""");
        await InterruptAsync(user.Client, $$"""{"prompt_id": "{{waiting}}"}""");
        (await StateOf(one)).ShouldBe(JobState.Running);
        (await StateOf(waiting)).ShouldBe(JobState.Queued);

        // An unreadable body is a global interrupt, as in ComfyUI.
        await InterruptAsync(user.Client, "{not json");
        (await StateOf(one)).ShouldBe(JobState.Cancelling);
        (await StateOf(waiting)).ShouldBe(JobState.Queued);
        (await StateOf(foreign)).ShouldBe(JobState.Running);
    }

    [Fact]
    public async Task Bare_jobs_paths_do_not_exist_as_in_comfyui()
    {
        using var user = await Server.CreateUserAsync();
        using var list = await user.Client.GetAsync("jobs", TestContext.Current.CancellationToken);
        list.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var cancel = await user.Client.PostAsync("jobs/cancel", TestWorkflows.Json("""{"job_ids": []}"""), TestContext.Current.CancellationToken);
        cancel.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private async Task<JobState> StateOf(Guid id) => (await Server.Store.GetJobAsync(id, CancellationToken.None))!.State;

    private static async Task InterruptAsync(HttpClient client, string body)
    {
        using var response = await client.PostAsync("interrupt", TestWorkflows.Json(body), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }
}

public sealed class NativeQueueApiSqliteTests(SqliteServerFixture fixture) : NativeQueueApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class NativeQueueApiPostgresTests(PostgresServerFixture fixture) : NativeQueueApiTests(fixture), IClassFixture<PostgresServerFixture>;
