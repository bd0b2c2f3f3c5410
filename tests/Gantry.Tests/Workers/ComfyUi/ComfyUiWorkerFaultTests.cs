using System.Text.Json;
using Gantry.Engine.Json;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Workers;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>How jobs end when things go wrong: node errors, history that lags or never comes, sockets and workers that die.</summary>
public sealed class ComfyUiWorkerFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_execution_error_with_NaN_inputs_fails_the_job_with_the_cloud_error_shape()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, async run =>
        {
            await run.ExecuteNodeAsync("4");
            await run.ExecuteNodeAsync("3", steps: 1);
            await run.FailAsync("3", "KSampler", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied",
                """{"cfg": [NaN], "denoise": [Infinity], "seed": [18446744073709551615]}""");
        });

        var finished = await harness.RunAsync(job);

        var outcome = finished.Outcome;
        outcome.Result.ShouldBe(WorkerJobResult.Failed);
        outcome.ErrorMessage.ShouldBe("RuntimeError: mat1 and mat2 shapes cannot be multiplied (node 3 KSampler)");
        using var error = JsonDocument.Parse(outcome.ExecutionErrorJson.ShouldNotBeNull());
        error.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(
            ["node_id", "node_type", "exception_message", "exception_type", "traceback", "current_inputs", "current_outputs"]);
        error.RootElement.GetProperty("node_id").GetString().ShouldBe("3");
        error.RootElement.GetProperty("exception_type").GetString().ShouldBe("RuntimeError");
        error.RootElement.GetProperty("traceback").GetArrayLength().ShouldBe(2);
        error.RootElement.GetProperty("current_inputs").GetProperty("cfg")[0].GetString().ShouldBe("NaN");
        error.RootElement.GetProperty("current_inputs").GetProperty("denoise")[0].GetString().ShouldBe("Infinity");
        error.RootElement.GetProperty("current_inputs").GetProperty("seed")[0].GetRawText().ShouldBe("18446744073709551615");
        error.RootElement.GetProperty("current_outputs").ValueKind.ShouldBe(JsonValueKind.Object);

        using var status = JsonDocument.Parse(outcome.StatusJson);
        status.RootElement.GetProperty("status_str").GetString().ShouldBe("error");
        status.RootElement.GetProperty("messages")[2][0].GetString().ShouldBe("execution_error");
        outcome.ExecutionEndMs.ShouldNotBeNull();

        // The forwarded event keeps its data but is strict JSON (NaN as a string), so any client can read it.
        var forwarded = await harness.Callbacks.MessageAsync(job.JobId, "execution_error");
        forwarded.Data.GetProperty("current_inputs").GetProperty("cfg")[0].GetString().ShouldBe("NaN");
        forwarded.Data.GetProperty("current_outputs").ValueKind.ShouldBe(JsonValueKind.Array);
    }

    [Fact]
    public async Task An_error_with_list_shaped_current_inputs_still_gives_objects()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, run => run.FailAsync("8", "VAEDecode", "graph.DependencyCycleError", "Dependency cycle detected", "[]"));

        var outcome = (await harness.RunAsync(job)).Outcome;

        using var error = JsonDocument.Parse(outcome.ExecutionErrorJson!);
        error.RootElement.GetProperty("current_inputs").ValueKind.ShouldBe(JsonValueKind.Object);
        error.RootElement.GetProperty("current_outputs").ValueKind.ShouldBe(JsonValueKind.Object);
        outcome.Result.ShouldBe(WorkerJobResult.Failed);
    }

    [Fact]
    public async Task A_blocked_execution_error_mid_run_is_not_the_end()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, async run =>
        {
            await run.StartAsync();
            await run.SendAsync("execution_error", new JObjectBuilder
            {
                ["prompt_id"] = run.PromptId,
                ["node_id"] = "5",
                ["node_type"] = "EmptyLatentImage",
                ["executed"] = JArray.Empty,
                ["exception_message"] = "Execution Blocked: not today",
                ["exception_type"] = "ExecutionBlocked",
                ["traceback"] = JArray.Empty,
                ["current_inputs"] = JArray.Empty,
                ["current_outputs"] = JArray.Empty,
            }.Build());
            await FakeScripts.Normal(run);
        });

        var outcome = (await harness.RunAsync(job)).Outcome;

        outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        outcome.Files.ShouldHaveSingleItem();
        (await harness.Callbacks.MessageAsync(job.JobId, "execution_error")).Data.GetProperty("exception_type").GetString().ShouldBe("ExecutionBlocked");
    }

    [Fact]
    public async Task History_that_lags_behind_the_final_event_is_waited_for()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, async run =>
        {
            run.HideHistory(reads: 3);
            await FakeScripts.Normal(run);
        });

        var outcome = (await harness.RunAsync(job)).Outcome;

        outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        outcome.Files.ShouldHaveSingleItem();
        harness.Fake.Requests.Count(r => r == $"GET /history/{job.JobId:D}").ShouldBe(4);
    }

    [Fact]
    public async Task History_that_never_comes_is_rebuilt_from_the_events_the_socket_carried()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(configure: o => o.HistoryWait = TimeSpan.FromMilliseconds(300));
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, async run =>
        {
            run.HideHistory(reads: -1);
            await FakeScripts.Normal(run);
        });

        var outcome = (await harness.RunAsync(job)).Outcome;

        outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        var file = outcome.Files.ShouldHaveSingleItem();
        harness.Blobs.Contains(file.Sha256).ShouldBeTrue();
        using var status = JsonDocument.Parse(outcome.StatusJson);
        status.RootElement.GetProperty("messages").EnumerateArray().Select(m => m[0].GetString())
            .ShouldBe(["execution_start", "execution_cached", "execution_success"]);
        outcome.ExecutionStartMs.ShouldNotBeNull();
        using var meta = JsonDocument.Parse(outcome.MetaJson);
        meta.RootElement.GetProperty("9").GetProperty("node_id").GetString().ShouldBe("9");
    }

    [Fact]
    public async Task An_output_the_worker_no_longer_has_is_left_out_and_the_rest_is_kept()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, async run =>
        {
            await run.ExecutedAsync("9", JParser.Parse("""{"images": [{"filename": "gone.png", "subfolder": "", "type": "output"}]}""") as JObject);
            await run.SaveImageAsync("10", "kept.png");
        });

        var outcome = (await harness.RunAsync(job)).Outcome;

        outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        outcome.Files.ShouldHaveSingleItem().Filename.ShouldBe("kept.png");
    }

    [Fact]
    public async Task A_job_that_ends_while_the_socket_is_down_is_found_by_polling()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, FakeScripts.HoldThenNormal);
        await harness.Worker.SubmitAsync(job, Ct);
        var run = await harness.Fake.WaitForRunAsync(job.JobId);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);

        harness.Fake.RefuseSockets = true;
        harness.Fake.DropSockets();
        await harness.Callbacks.StateAsync(WorkerState.Offline);
        run.Release();

        var finished = await harness.Callbacks.FinishedAsync(job.JobId);
        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        finished.Outcome.Files.ShouldHaveSingleItem();
        harness.Worker.State.ShouldBe(WorkerState.Offline);
        var done = await harness.Callbacks.MessageAsync(job.JobId, "executing", m => m.Sequence > finished.Sequence);
        done.Data.GetProperty("node").ValueKind.ShouldBe(JsonValueKind.Null);
        harness.Callbacks.MessagesFor(job.JobId).Select(m => m.Type).ShouldNotContain("execution_success", "sent while nobody listened");

        harness.Fake.RefuseSockets = false;
        await harness.Callbacks.WaitForAsync<RecordingCallbacks.WorkerChanged>(c => c.State == WorkerState.Online && c.Sequence > finished.Sequence);
    }

    [Fact]
    public async Task A_worker_that_dies_mid_job_loses_the_job_with_a_reason_naming_it()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(configure: o => o.JobLostAfter = TimeSpan.FromMilliseconds(300));
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, FakeScripts.HoldThenNormal);
        await harness.Worker.SubmitAsync(job, Ct);
        await (await harness.Fake.WaitForRunAsync(job.JobId)).Holding.WaitAsync(TestTimeouts.Default, Ct);
        await harness.Callbacks.WaitForAsync<RecordingCallbacks.JobStarted>(s => s.JobId == job.JobId);

        await harness.Fake.StopAsync();

        var lost = await harness.Callbacks.LostAsync(job.JobId);
        lost.Reason.ShouldContain("'gpu-1'");
        lost.Reason.ShouldContain("unreachable");
        lost.Reason.ShouldContain("refused", Case.Insensitive);
        harness.Worker.State.ShouldBe(WorkerState.Offline);
        harness.Worker.HeldJobs.ShouldBe(0);
        harness.Callbacks.CallsFor(job.JobId).OfType<RecordingCallbacks.JobFinished>().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_worker_that_restarted_and_forgot_its_queue_loses_the_jobs_it_held()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var running = harness.Job();
        var waiting = harness.Job();
        harness.Fake.ScriptFor(running.JobId, FakeScripts.HoldThenNormal);
        await harness.Worker.SubmitAsync(running, Ct);
        await harness.Worker.SubmitAsync(waiting, Ct);
        await (await harness.Fake.WaitForRunAsync(running.JobId)).Holding.WaitAsync(TestTimeouts.Default, Ct);
        var online = await harness.Callbacks.StateAsync(WorkerState.Online);

        await harness.Fake.RestartAsync(Ct);

        var lostRunning = await harness.Callbacks.LostAsync(running.JobId);
        var lostWaiting = await harness.Callbacks.LostAsync(waiting.JobId);
        lostRunning.Reason.ShouldContain("'gpu-1'");
        lostRunning.Reason.ShouldContain("no longer knows");
        lostWaiting.Reason.ShouldContain("no longer knows");
        await harness.Callbacks.StateAsync(WorkerState.Online, after: online.Sequence);
        harness.Fake.Generation.ShouldBe(2);

        (await harness.RunAsync(harness.Job())).Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
    }

    [Fact]
    public async Task A_job_that_ends_unseen_while_the_socket_is_replaced_during_its_POST_is_still_found()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var fake = harness.Fake;
        var online = await harness.Callbacks.StateAsync(WorkerState.Online);
        var job = harness.Job();
        fake.ScriptFor(job.JobId, async run =>
        {
            // The socket goes away as the prompt starts, so every event of the run is lost.
            fake.RefuseSockets = true;
            fake.DropSockets();
            await harness.Callbacks.StateAsync(WorkerState.Offline, after: online.Sequence);
            await FakeScripts.Normal(run);
        });
        fake.BeforeAnswering = async prompt =>
        {
            // The run is over and the worker has a new socket before it learns its POST succeeded.
            await prompt.Ended.Task;
            fake.RefuseSockets = false;
            await harness.Callbacks.StateAsync(WorkerState.Online, after: online.Sequence);
        };

        var finished = await harness.RunAsync(job);

        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        finished.Outcome.Files.ShouldHaveSingleItem();
    }
}
