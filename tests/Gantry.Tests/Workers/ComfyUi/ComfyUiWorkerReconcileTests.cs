using System.Text.Json;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Workers;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>
/// Reconcile after a Gantry restart: a new worker object (new client id) asks the same ComfyUI about jobs the old one
/// submitted: finished ones are reported, waiting and running ones followed by polling, unknown ones handed back.
/// </summary>
public sealed class ComfyUiWorkerReconcileTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_that_finished_meanwhile_is_reported_with_its_outputs()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();
        var first = harness.Callbacks;
        await harness.RunAsync(job);
        await harness.Worker.DisposeAsync();

        var restarted = await harness.StartWorkerAsync(harness.Fake.BaseAddress.ToString());
        var presence = await restarted.ReconcileAsync(job, Ct);

        presence.ShouldBe(WorkerJobPresence.Finished);
        var finished = await harness.Callbacks.FinishedAsync(job.JobId);
        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        var file = finished.Outcome.Files.ShouldHaveSingleItem();
        file.Sha256.ShouldBe(first.Calls.OfType<RecordingCallbacks.JobFinished>().Single().Outcome.Files.Single().Sha256);
        restarted.HeldJobs.ShouldBe(0);
    }

    [Fact]
    public async Task A_job_the_worker_never_heard_of_is_unknown_and_not_reported()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();

        var presence = await harness.Worker.ReconcileAsync(job, Ct);

        presence.ShouldBe(WorkerJobPresence.Unknown);
        harness.Worker.HeldJobs.ShouldBe(0);
        harness.Callbacks.CallsFor(job.JobId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Waiting_and_running_jobs_of_an_earlier_client_id_are_followed_to_their_end_by_polling()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var (running, run) = await ComfyUiWorkerCancelTests.StartHeldJobAsync(harness);
        var waiting = harness.Job();
        await harness.Worker.SubmitAsync(waiting, Ct);
        var oldClientId = harness.Worker.ClientId;
        await harness.Worker.DisposeAsync();

        var restarted = await harness.StartWorkerAsync(harness.Fake.BaseAddress.ToString());
        await harness.Callbacks.StateAsync(WorkerState.Online);
        restarted.ClientId.ShouldNotBe(oldClientId);

        (await restarted.ReconcileAsync(running, Ct)).ShouldBe(WorkerJobPresence.Running);
        (await restarted.ReconcileAsync(waiting, Ct)).ShouldBe(WorkerJobPresence.Pending);
        (await harness.Callbacks.WaitForAsync<RecordingCallbacks.JobStarted>(s => s.JobId == running.JobId)).ShouldNotBeNull();
        restarted.HeldJobs.ShouldBe(2);

        run.Release();

        var first = await harness.Callbacks.FinishedAsync(running.JobId);
        var second = await harness.FinishedAsync(waiting.JobId);
        first.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        second.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        second.Outcome.Files.ShouldHaveSingleItem();
        // Polling may never catch it running (a job may go from waiting to finished between two looks): at most one start.
        harness.Callbacks.CallsFor(waiting.JobId).OfType<RecordingCallbacks.JobStarted>().Count().ShouldBeLessThanOrEqualTo(1);
        second.Outcome.ExecutionStartMs.ShouldNotBeNull();
        harness.Callbacks.MessagesFor(waiting.JobId).ShouldHaveSingleItem().Data.GetProperty("node").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Reconcile_on_an_unreachable_worker_says_unavailable()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        await harness.Fake.StopAsync();
        var job = harness.Job();

        await Should.ThrowAsync<WorkerUnavailableException>(() => harness.Worker.ReconcileAsync(job, Ct));
        harness.Worker.HeldJobs.ShouldBe(0);
    }

    [Fact]
    public async Task A_job_held_across_a_socket_drop_that_finished_meanwhile_is_reported_after_the_reconnect()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var (job, run) = await ComfyUiWorkerCancelTests.StartHeldJobAsync(harness);
        var online = await harness.Callbacks.StateAsync(WorkerState.Online);

        // Drop the socket and let the job end before the worker is back: its events go nowhere.
        harness.Fake.RefuseSockets = true;
        harness.Fake.DropSockets();
        var offline = await harness.Callbacks.StateAsync(WorkerState.Offline, after: online.Sequence);
        run.Release();
        await run.Prompt.Ended.Task.WaitAsync(TestTimeouts.Default, Ct);
        harness.Fake.RefuseSockets = false;

        var finished = await harness.Callbacks.FinishedAsync(job.JobId);
        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        finished.Outcome.Files.ShouldHaveSingleItem();
        await harness.Callbacks.StateAsync(WorkerState.Online, after: offline.Sequence);
    }

    [Fact]
    public async Task A_job_that_ends_while_the_worker_looks_after_a_reconnect_has_its_last_messages_forwarded_in_order()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var (job, run) = await ComfyUiWorkerCancelTests.StartHeldJobAsync(harness);
        var before = harness.Callbacks.MessagesFor(job.JobId).Count;
        var endedDuringLook = 0;
        harness.Fake.BeforeQueueAnswer = async () =>
        {
            // The first look once the socket is back: the job ends now, and every event of its end goes out on the new
            // socket before the answer does. The worker reads the socket only after it has looked.
            if (harness.Fake.SocketConnections.Count >= 2 && Interlocked.Exchange(ref endedDuringLook, 1) == 0)
            {
                run.Release();
                await run.Prompt.Ended.Task;
            }
        };

        harness.Fake.DropSockets();
        var finished = await harness.FinishedAsync(job.JobId);

        endedDuringLook.ShouldBe(1);
        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        var after = harness.Callbacks.MessagesFor(job.JobId).Skip(before).Where(m => !m.IsBinary).ToList();
        var executed = after.Where(m => m.Type == "executed").ShouldHaveSingleItem();
        executed.Data.GetProperty("output").GetProperty("images")[0].GetProperty("filename").GetString()!.ShouldEndWith(".png");
        after.Select(m => m.Type).SkipWhile(t => t != "executed").ShouldBe(["executed", "execution_success", "executing"]);
        after[^1].Data.GetProperty("node").ValueKind.ShouldBe(JsonValueKind.Null);
        after.Count(m => m.Type == "executing" && m.Data.GetProperty("node").ValueKind == JsonValueKind.Null).ShouldBe(1);
    }

    [Fact]
    public async Task A_Gantry_worker_that_refuses_a_reused_prompt_id_has_the_earlier_run_adopted()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(fake => fake.RefuseReusedPromptIds = true);
        var job = harness.Job();
        await harness.RunAsync(job);
        await harness.Worker.DisposeAsync();
        var restarted = await harness.StartWorkerAsync(harness.Fake.BaseAddress.ToString());
        await harness.Callbacks.StateAsync(WorkerState.Online);

        await restarted.SubmitAsync(job, Ct);

        var finished = await harness.Callbacks.FinishedAsync(job.JobId);
        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        finished.Outcome.Files.ShouldHaveSingleItem();
        harness.Fake.Prompts.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_reused_prompt_id_the_worker_no_longer_has_makes_it_unavailable_not_a_rejection()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(fake => fake.RefuseReusedPromptIds = true);
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, FakeScripts.HoldThenNormal);
        await harness.Worker.SubmitAsync(job, Ct);
        await (await harness.Fake.WaitForRunAsync(job.JobId)).Holding.WaitAsync(TestTimeouts.Default, Ct);
        await harness.Fake.RestartAsync(Ct);
        // Held jobs are settled before the worker says it is online again.
        var lost = await harness.Callbacks.LostAsync(job.JobId);
        await harness.Callbacks.StateAsync(WorkerState.Online, after: lost.Sequence);

        var error = await Should.ThrowAsync<WorkerUnavailableException>(() => harness.Worker.SubmitAsync(job, Ct));

        error.Message.ShouldContain("already used");
        harness.Worker.HeldJobs.ShouldBe(0);
    }
}
