using System.Text.Json;
using Gantry.Tests.FakeComfyUi;
using Gantry.Workers;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>Cancelling: a waiting prompt is deleted (and reported here, ComfyUI keeps no trace), a running one interrupted.</summary>
public sealed class ComfyUiWorkerCancelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cancelling_a_waiting_job_deletes_it_from_the_queue_and_reports_it_interrupted()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var (running, run) = await StartHeldJobAsync(harness);
        var waiting = harness.Job();
        await harness.Worker.SubmitAsync(waiting, Ct);
        harness.Fake.Queue.Pending.ShouldBe([waiting.JobId.ToString("D")]);

        await harness.Worker.CancelAsync(waiting.JobId, Ct);

        var finished = await harness.Callbacks.FinishedAsync(waiting.JobId);
        finished.Outcome.Result.ShouldBe(WorkerJobResult.Interrupted);
        finished.Outcome.ErrorMessage.ShouldNotBeNull().ShouldContain("before it started");
        using (var status = JsonDocument.Parse(finished.Outcome.StatusJson))
        {
            status.RootElement.GetProperty("status_str").GetString().ShouldBe("error");
            status.RootElement.GetProperty("messages")[0][0].GetString().ShouldBe("execution_interrupted");
            status.RootElement.GetProperty("messages")[0][1].GetProperty("prompt_id").GetString().ShouldBe(waiting.JobId.ToString("D"));
        }

        harness.Fake.Queue.Pending.ShouldBeEmpty();
        harness.Fake.Requests.ShouldContain("POST /queue");
        harness.Fake.Requests.ShouldNotContain("POST /interrupt", "the running job must not be touched");
        harness.Callbacks.CallsFor(waiting.JobId).OfType<RecordingCallbacks.JobStarted>().ShouldBeEmpty();

        run.Release();
        (await harness.Callbacks.FinishedAsync(running.JobId)).Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
    }

    [Fact]
    public async Task Cancelling_a_running_job_interrupts_it_by_id()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var (job, run) = await StartHeldJobAsync(harness);

        await harness.Worker.CancelAsync(job.JobId, Ct);

        var finished = await harness.Callbacks.FinishedAsync(job.JobId);
        run.InterruptRequested.ShouldBeTrue();
        finished.Outcome.Result.ShouldBe(WorkerJobResult.Interrupted);
        finished.Outcome.ErrorMessage.ShouldBe("Interrupted on worker 'gpu-1' at node 3.");
        finished.Outcome.ExecutionErrorJson.ShouldBeNull();
        using var status = JsonDocument.Parse(finished.Outcome.StatusJson);
        status.RootElement.GetProperty("messages").EnumerateArray().Select(m => m[0].GetString()).ShouldContain("execution_interrupted");
        (await harness.Callbacks.MessageAsync(job.JobId, "execution_interrupted")).Data.GetProperty("node_id").GetString().ShouldBe("3");
        harness.Fake.Requests.ShouldContain("POST /interrupt");
    }

    [Fact]
    public async Task A_worker_with_the_jobs_cancel_route_gets_it_instead_of_queue_surgery()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(fake => fake.HasJobsCancel = true);
        var (running, run) = await StartHeldJobAsync(harness);
        var waiting = harness.Job();
        await harness.Worker.SubmitAsync(waiting, Ct);

        await harness.Worker.CancelAsync(waiting.JobId, Ct);
        (await harness.Callbacks.FinishedAsync(waiting.JobId)).Outcome.Result.ShouldBe(WorkerJobResult.Interrupted);
        await harness.Worker.CancelAsync(running.JobId, Ct);
        (await harness.Callbacks.FinishedAsync(running.JobId)).Outcome.Result.ShouldBe(WorkerJobResult.Interrupted);

        run.InterruptRequested.ShouldBeTrue();
        harness.Fake.Requests.ShouldContain($"POST /api/jobs/{waiting.JobId:D}/cancel");
        harness.Fake.Requests.ShouldContain($"POST /api/jobs/{running.JobId:D}/cancel");
        harness.Fake.Requests.ShouldNotContain("POST /queue");
        harness.Fake.Requests.ShouldNotContain("POST /interrupt");
    }

    [Fact]
    public async Task Cancelling_a_job_the_worker_does_not_hold_does_nothing()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();

        await harness.Worker.CancelAsync(Guid.NewGuid(), Ct);

        harness.Fake.Requests.ShouldNotContain("POST /queue");
        harness.Fake.Requests.ShouldNotContain("POST /interrupt");
    }

    [Fact]
    public async Task A_cancelled_job_on_a_worker_that_dies_ends_cancelled_not_lost()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(configure: o => o.JobLostAfter = TimeSpan.FromMilliseconds(200));
        var (job, run) = await StartHeldJobAsync(harness, script: async run =>
        {
            await run.ExecuteNodeAsync("3");
            await run.HoldUninterruptibleAsync();
        });

        // The node in progress does not notice the interrupt, and the worker dies before the prompt ends.
        await harness.Worker.CancelAsync(job.JobId, Ct);
        await harness.Fake.StopAsync();

        var finished = await harness.Callbacks.FinishedAsync(job.JobId);
        run.InterruptRequested.ShouldBeTrue();
        finished.Outcome.Result.ShouldBe(WorkerJobResult.Interrupted);
        finished.Outcome.ErrorMessage.ShouldNotBeNull().ShouldContain("unreachable");
        harness.Callbacks.CallsFor(job.JobId).OfType<RecordingCallbacks.JobLost>().ShouldBeEmpty();
    }

    /// <summary>Submits a job whose run holds in node 3 until released, and waits until it is executing.</summary>
    internal static async Task<(WorkerJob Job, FakeRun Run)> StartHeldJobAsync(ComfyUiWorkerHarness harness, Func<FakeRun, Task>? script = null)
    {
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, script ?? (async run =>
        {
            await run.ExecuteNodeAsync("4");
            await run.ExecuteNodeAsync("3");
            await run.HoldAsync();
            await FakeScripts.Normal(run);
        }));
        await harness.Worker.SubmitAsync(job, Ct);
        var run = await harness.Fake.WaitForRunAsync(job.JobId);
        await harness.Callbacks.MessageAsync(job.JobId, "executing", m => m.Data.GetProperty("node").GetString() == "3");
        return (job, run);
    }
}
