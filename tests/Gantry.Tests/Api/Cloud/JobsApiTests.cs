using System.Globalization;
using System.Net;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Cloud;

/// <summary><c>/api/job/{id}/status</c>, <c>/api/jobs</c>, <c>/api/jobs/{id}</c> and the cancel endpoints.</summary>
public abstract class JobsApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Theory]
    [InlineData(JobState.Queued, "waiting_to_dispatch", "pending")]
    [InlineData(JobState.Dispatched, "pending", "pending")]
    [InlineData(JobState.Running, "in_progress", "in_progress")]
    [InlineData(JobState.Cancelling, "cancelled", "cancelled")]
    [InlineData(JobState.Succeeded, "completed", "completed")]
    [InlineData(JobState.Failed, "error", "failed")]
    [InlineData(JobState.Cancelled, "cancelled", "cancelled")]
    public async Task Every_state_projects_onto_each_vocabulary(JobState state, string statusEnum, string listStatus)
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);
        if (state == JobState.Cancelling)
        {
            await JobDriver.MoveAsync(Server.Store, id, JobState.Running);
            await Server.Store.TransitionAsync(new JobTransition { JobId = id, To = JobState.Cancelling, AtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 100 }, CancellationToken.None);
        }
        else if (state != JobState.Queued)
        {
            await JobDriver.MoveAsync(Server.Store, id, state);
        }

        using var statusResponse = await user.Client.GetAsync($"api/job/{id}/status", TestContext.Current.CancellationToken);
        var status = await statusResponse.ShouldBeJsonAsync(HttpStatusCode.OK);
        status.GetProperty("status").GetString().ShouldBe(statusEnum);

        using var detailResponse = await user.Client.GetAsync($"api/jobs/{id}", TestContext.Current.CancellationToken);
        var detail = await detailResponse.ShouldBeJsonAsync(HttpStatusCode.OK);
        detail.GetProperty("status").GetString().ShouldBe(listStatus);

        using var listResponse = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        var list = await listResponse.ShouldBeJsonAsync(HttpStatusCode.OK);
        list.GetProperty("jobs")[0].GetProperty("status").GetString().ShouldBe(listStatus);
    }

    [Fact]
    public async Task Status_has_the_specs_fields_with_ISO_times()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);

        using var response = await user.Client.GetAsync($"api/job/{id}/status", TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        json.ShouldHave(("id", JsonValueKind.String), ("status", JsonValueKind.String), ("created_at", JsonValueKind.String), ("updated_at", JsonValueKind.String), ("last_state_update", JsonValueKind.String));
        json.GetProperty("id").GetString().ShouldBe(id.ToString("D"));
        json.GetProperty("assigned_inference").ValueKind.ShouldBe(JsonValueKind.Null);
        json.GetProperty("error_message").ValueKind.ShouldBe(JsonValueKind.Null);
        var created = DateTimeOffset.Parse(json.GetProperty("created_at").GetString()!, CultureInfo.InvariantCulture);
        (DateTimeOffset.UtcNow - created).ShouldBeLessThan(TimeSpan.FromMinutes(5));
        json.GetProperty("created_at").GetString()!.ShouldEndWith("Z");
    }

    [Fact]
    public async Task Status_names_the_worker_and_the_error_of_a_failed_job()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);
        await JobDriver.MoveAsync(Server.Store, id, JobState.Failed, worker: "gpu-7");

        using var response = await user.Client.GetAsync($"api/job/{id}/status", TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        json.GetProperty("assigned_inference").GetString().ShouldBe("gpu-7");
        json.GetProperty("error_message").GetString().ShouldBe("Boom in node 2");
    }

    [Fact]
    public async Task Status_gives_the_dispatch_time_once_the_job_was_handed_to_a_worker()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);
        using (var queued = await user.Client.GetAsync($"api/job/{id}/status", TestContext.Current.CancellationToken))
        {
            (await queued.ShouldBeJsonAsync(HttpStatusCode.OK)).TryGetProperty("dispatched_at", out _).ShouldBeFalse();
        }

        var dispatched = await JobDriver.MoveAsync(Server.Store, id, JobState.Dispatched, worker: "gpu-3");
        await JobDriver.MoveAsync(Server.Store, id, JobState.Succeeded, worker: "gpu-3");

        using var response = await user.Client.GetAsync($"api/job/{id}/status", TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        var at = json.GetProperty("dispatched_at").GetString()!;
        at.ShouldEndWith("Z");
        DateTimeOffset.Parse(at, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds().ShouldBe(dispatched.DispatchedAtMs.ShouldNotBeNull());
        json.GetProperty("assigned_inference").GetString().ShouldBe("gpu-3");
    }

    [Fact]
    public async Task Detail_shows_terminal_only_fields_only_in_terminal_states()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client, TestWorkflows.Body(extraData: TestWorkflows.ExtraDataWithWorkflowId("wf-9")));

        using (var pending = await user.Client.GetAsync($"api/jobs/{id}", TestContext.Current.CancellationToken))
        {
            var json = await pending.ShouldBeJsonAsync(HttpStatusCode.OK);
            json.ShouldHave(("id", JsonValueKind.String), ("status", JsonValueKind.String), ("create_time", JsonValueKind.Number), ("update_time", JsonValueKind.Number), ("workflow", JsonValueKind.Object));
            json.GetProperty("workflow").ShouldHave(("prompt", JsonValueKind.Object), ("extra_data", JsonValueKind.Object));
            json.GetProperty("workflow_id").GetString().ShouldBe("wf-9");
            json.ShouldNotHave("outputs", "preview_output", "outputs_count", "execution_status", "execution_meta", "execution_error");
        }

        await JobDriver.MoveAsync(Server.Store, id, JobState.Succeeded);
        using var done = await user.Client.GetAsync($"api/jobs/{id}", TestContext.Current.CancellationToken);
        var detail = await done.ShouldBeJsonAsync(HttpStatusCode.OK);
        detail.ShouldHave(("outputs", JsonValueKind.Object), ("preview_output", JsonValueKind.Object), ("outputs_count", JsonValueKind.Number), ("execution_status", JsonValueKind.Object), ("execution_meta", JsonValueKind.Object));
        detail.GetProperty("outputs").GetProperty("3").GetProperty("images")[0].GetProperty("filename").GetString().ShouldBe("test_00001_.png");
        detail.GetProperty("outputs_count").GetInt32().ShouldBe(1);
        detail.GetProperty("execution_status").GetProperty("status_str").GetString().ShouldBe("success");
        detail.ShouldNotHave("execution_error");
        detail.GetProperty("create_time").IsInteger().ShouldBeTrue();
    }

    [Fact]
    public async Task A_failed_job_carries_the_structured_execution_error()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);
        await JobDriver.MoveAsync(Server.Store, id, JobState.Failed);

        using var detailResponse = await user.Client.GetAsync($"api/jobs/{id}", TestContext.Current.CancellationToken);
        var error = (await detailResponse.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("execution_error");
        error.ShouldHave(
            ("node_id", JsonValueKind.String), ("node_type", JsonValueKind.String), ("exception_message", JsonValueKind.String),
            ("exception_type", JsonValueKind.String), ("traceback", JsonValueKind.Array), ("current_inputs", JsonValueKind.Object), ("current_outputs", JsonValueKind.Object));

        using var listResponse = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        var entry = (await listResponse.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("jobs")[0];
        entry.GetProperty("execution_error").GetProperty("node_type").GetString().ShouldBe("ImageInvert");
    }

    [Fact]
    public async Task Times_are_seconds_as_the_spec_says_and_execution_times_milliseconds()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(user.Client);
        var job = await JobDriver.MoveAsync(Server.Store, id, JobState.Succeeded);

        using var response = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        var entry = (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("jobs")[0];
        entry.ShouldHave(("id", JsonValueKind.String), ("status", JsonValueKind.String), ("create_time", JsonValueKind.Number));
        entry.GetProperty("create_time").GetInt64().ShouldBe(job.CreatedAtMs / 1000);
        entry.GetProperty("execution_start_time").GetInt64().ShouldBe(job.ExecutionStartMs!.Value);
        entry.GetProperty("execution_end_time").GetInt64().ShouldBe(job.ExecutionEndMs!.Value);
        entry.GetProperty("outputs_count").GetInt32().ShouldBe(1);
        entry.GetProperty("preview_output").GetProperty("nodeId").GetString().ShouldBe("3");
        entry.ShouldNotHave("workflow", "outputs");
    }

    [Fact]
    public async Task A_pending_list_entry_leaves_out_terminal_fields()
    {
        using var user = await Server.CreateUserAsync();
        await JobDriver.SubmitAsync(user.Client);

        using var response = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        var entry = (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("jobs")[0];
        entry.ShouldNotHave("outputs_count", "preview_output", "execution_start_time", "execution_end_time", "execution_error", "workflow_id");
    }

    [Fact]
    public async Task Another_users_job_is_403_an_unknown_or_malformed_id_404()
    {
        using var owner = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var id = await JobDriver.SubmitAsync(owner.Client);
        var unknown = Guid.NewGuid();

        foreach (var path in new[] { $"api/job/{id}/status", $"api/jobs/{id}", $"api/history_v2/{id}" })
        {
            using var foreign = await other.Client.GetAsync(path, TestContext.Current.CancellationToken);
            await foreign.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (var path in new[] { $"api/job/{unknown}/status", $"api/jobs/{unknown}", $"api/history_v2/{unknown}" })
        {
            using var missing = await owner.Client.GetAsync(path, TestContext.Current.CancellationToken);
            await missing.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        }

        // A malformed id names no job: 404 as the spec lists for these paths, with a code that says why.
        foreach (var path in new[] { "api/job/not-a-uuid/status", "api/jobs/12345", "api/jobs/0b6f0f5e6d7b4f439b1a3c7d2f0a9e11", "api/history_v2/not-a-uuid" })
        {
            using var bad = await owner.Client.GetAsync(path, TestContext.Current.CancellationToken);
            await bad.ShouldBeErrorAsync(HttpStatusCode.NotFound, "invalid_job_id");
        }

        using var cancelForeign = await other.Client.PostAsync($"api/jobs/{id}/cancel", null, TestContext.Current.CancellationToken);
        await cancelForeign.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        (await Server.Store.GetJobAsync(id, CancellationToken.None))!.State.ShouldBe(JobState.Queued);
    }

    [Fact]
    public async Task Users_never_see_each_others_jobs_in_lists()
    {
        using var first = await Server.CreateUserAsync();
        using var second = await Server.CreateUserAsync();
        var mine = await JobDriver.SubmitAsync(first.Client);
        await JobDriver.SubmitAsync(second.Client);
        await JobDriver.SubmitAsync(second.Client);

        using var list = await first.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        var json = await list.ShouldBeJsonAsync(HttpStatusCode.OK);
        json.GetProperty("jobs").GetArrayLength().ShouldBe(1);
        json.GetProperty("jobs")[0].GetProperty("id").GetString().ShouldBe(mine.ToString("D"));
        json.GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(1);

        using var queue = await first.Client.GetAsync("api/queue", TestContext.Current.CancellationToken);
        (await queue.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("queue_pending").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Cancel_works_in_each_state_and_reports_whether_it_did_anything()
    {
        using var user = await Server.CreateUserAsync();
        var queued = await JobDriver.SubmitAsync(user.Client);
        var running = await JobDriver.SubmitAsync(user.Client);
        var done = await JobDriver.SubmitAsync(user.Client);
        await JobDriver.MoveAsync(Server.Store, running, JobState.Running);
        await JobDriver.MoveAsync(Server.Store, done, JobState.Succeeded);

        (await CancelAsync(user, $"api/jobs/{queued}/cancel")).ShouldBeTrue();
        (await CancelAsync(user, $"api/job/{running}/cancel")).ShouldBeTrue();
        (await CancelAsync(user, $"api/jobs/{done}/cancel")).ShouldBeFalse();

        (await Server.Store.GetJobAsync(queued, CancellationToken.None))!.State.ShouldBe(JobState.Cancelled);
        (await Server.Store.GetJobAsync(running, CancellationToken.None))!.State.ShouldBe(JobState.Cancelling);
        (await Server.Store.GetJobAsync(done, CancellationToken.None))!.State.ShouldBe(JobState.Succeeded);
    }

    private static async Task<bool> CancelAsync(TestUser user, string path)
    {
        using var response = await user.Client.PostAsync(path, null);
        return (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("cancelled").GetBoolean();
    }
}

public sealed class JobsApiSqliteTests(SqliteServerFixture fixture) : JobsApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class JobsApiPostgresTests(PostgresServerFixture fixture) : JobsApiTests(fixture), IClassFixture<PostgresServerFixture>;
