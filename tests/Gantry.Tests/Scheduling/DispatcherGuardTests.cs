using Gantry.Domain;
using Gantry.Tests.Infrastructure;
using Gantry.Workers;

namespace Gantry.Tests.Scheduling;

/// <summary>Maximum runtime and cancels in every state, on a fake clock.</summary>
public sealed class DispatcherGuardTests : DispatcherTestBase
{
    [Fact]
    public async Task A_job_over_its_maximum_runtime_is_interrupted_and_fails_with_a_clear_message()
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker], o => o.MaxRuntime = TimeSpan.FromMinutes(10));
        var id = await h.SubmitAsync(await h.UserAsync());
        await worker.NextSubmittedAsync();
        worker.Start(id, h.NowMs);
        await h.WaitForStateAsync(id, JobState.Running);

        h.Clock.Advance(TimeSpan.FromMinutes(9));
        worker.Cancels.Reader.TryPeek(out _).ShouldBeFalse();
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        (await worker.NextCancelAsync()).ShouldBe(id);

        await worker.FinishAsync(id, ScriptedWorker.Outcome(WorkerJobResult.Interrupted, h.NowMs, h.NowMs, message: "Interrupted on worker 'gpu-1'."));
        var failed = await h.WaitForStateAsync(id, JobState.Failed);
        failed.ErrorMessage.ShouldBe("Job exceeded the maximum runtime of 10 minutes.");
    }

    [Fact]
    public async Task A_timed_out_job_on_a_silent_worker_is_failed_by_gantry_after_the_grace()
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker], o =>
        {
            o.MaxRuntime = TimeSpan.FromSeconds(90);
            o.CancelGrace = TimeSpan.FromSeconds(30);
        });
        var id = await h.SubmitAsync(await h.UserAsync());
        await worker.NextSubmittedAsync();
        worker.Start(id, h.NowMs);
        await h.WaitForStateAsync(id, JobState.Running);

        h.Clock.Advance(TimeSpan.FromSeconds(90));
        await worker.NextCancelAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        (await h.WaitForStateAsync(id, JobState.Failed)).ErrorMessage.ShouldBe("Job exceeded the maximum runtime of 90 seconds.");

        // Its slot is free: the next job goes to the worker; a late report of the old one changes nothing.
        var next = await h.SubmitAsync(await h.UserAsync());
        (await worker.NextSubmittedAsync()).JobId.ShouldBe(next);
        await worker.FinishAsync(id, ScriptedWorker.Outcome(WorkerJobResult.Succeeded, h.NowMs, h.NowMs));
        (await h.Store.GetJobAsync(id, CancellationToken.None))!.State.ShouldBe(JobState.Failed);
    }

    [Fact]
    public async Task A_job_that_finishes_in_time_has_no_timer_left()
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker], o => o.MaxRuntime = TimeSpan.FromMinutes(1));
        var id = await h.SubmitAsync(await h.UserAsync());
        await worker.NextSubmittedAsync();
        worker.Start(id, h.NowMs);
        await h.WaitForStateAsync(id, JobState.Running);
        await worker.FinishAsync(id, ScriptedWorker.Outcome(WorkerJobResult.Succeeded, h.NowMs, h.NowMs + 10));
        await h.WaitForStateAsync(id, JobState.Succeeded);
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        worker.Cancels.Reader.TryPeek(out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_queued_job_that_is_cancelled_never_reaches_a_worker()
    {
        var worker = new ScriptedWorker("gpu-1", initialState: WorkerState.Offline);
        var h = await StartAsync([worker]);
        var user = await h.UserAsync();
        var cancelled = await h.SubmitAsync(user);
        (await h.CancelAsync(cancelled))!.State.ShouldBe(JobState.Cancelled);
        var kept = await h.SubmitAsync(user);

        worker.SetState(WorkerState.Online);
        (await worker.NextSubmittedAsync()).JobId.ShouldBe(kept);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_job_on_a_worker_is_cancelled_there_and_the_workers_report_ends_it(bool started)
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker]);
        var id = await h.SubmitAsync(await h.UserAsync());
        await worker.NextSubmittedAsync();
        await h.WaitForStateAsync(id, JobState.Dispatched);
        if (started)
        {
            worker.Start(id, h.NowMs);
            await h.WaitForStateAsync(id, JobState.Running);
        }

        (await h.CancelAsync(id))!.State.ShouldBe(JobState.Cancelling);
        (await worker.NextCancelAsync()).ShouldBe(id);
        (await h.Store.GetJobAsync(id, CancellationToken.None))!.State.ShouldBe(JobState.Cancelling);

        await worker.FinishAsync(id, ScriptedWorker.Outcome(WorkerJobResult.Interrupted, h.NowMs, h.NowMs, message: "Interrupted on worker 'gpu-1'."));
        var done = await h.WaitForStateAsync(id, JobState.Cancelled);
        done.ErrorMessage.ShouldBe("Cancelled by the user.");
    }

    [Fact]
    public async Task A_job_cancelled_while_it_is_being_handed_over_is_stopped_once_the_worker_has_it()
    {
        var worker = new ScriptedWorker("gpu-1") { SubmitGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var h = await StartAsync([worker]);
        var id = await h.SubmitAsync(await h.UserAsync());
        await worker.SubmitEntered.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        (await h.CancelAsync(id))!.State.ShouldBe(JobState.Cancelling);
        worker.Cancels.Reader.TryPeek(out _).ShouldBeFalse();

        worker.SubmitGate.SetResult();
        (await worker.NextCancelAsync()).ShouldBe(id);
        await worker.FinishAsync(id, ScriptedWorker.Outcome(WorkerJobResult.Interrupted, h.NowMs, h.NowMs));
        await h.WaitForStateAsync(id, JobState.Cancelled);
    }

    [Fact]
    public async Task A_cancelled_job_that_finished_first_keeps_its_success()
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker]);
        var id = await h.SubmitAsync(await h.UserAsync());
        await worker.NextSubmittedAsync();
        worker.Start(id, h.NowMs);
        await h.WaitForStateAsync(id, JobState.Running);
        await h.CancelAsync(id);
        await worker.NextCancelAsync();
        await worker.FinishAsync(id, ScriptedWorker.Outcome(WorkerJobResult.Succeeded, h.NowMs, h.NowMs + 1));
        await h.WaitForStateAsync(id, JobState.Succeeded);
    }

    [Fact]
    public async Task A_job_on_an_offline_worker_is_cancelled_by_gantry_at_once()
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker]);
        var id = await h.SubmitAsync(await h.UserAsync());
        await worker.NextSubmittedAsync();
        worker.Start(id, h.NowMs);
        await h.WaitForStateAsync(id, JobState.Running);
        worker.SetState(WorkerState.Offline);

        await h.CancelAsync(id);
        (await h.WaitForStateAsync(id, JobState.Cancelled)).ErrorMessage.ShouldBe("Cancelled by the user.");
        worker.Cancels.Reader.TryPeek(out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_job_on_a_worker_that_never_confirms_the_cancel_is_cancelled_after_the_grace()
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker], o => o.CancelGrace = TimeSpan.FromSeconds(20));
        var id = await h.SubmitAsync(await h.UserAsync());
        await worker.NextSubmittedAsync();
        await h.WaitForStateAsync(id, JobState.Dispatched);
        await h.CancelAsync(id);
        await worker.NextCancelAsync();

        h.Clock.Advance(TimeSpan.FromSeconds(19));
        (await h.Store.GetJobAsync(id, CancellationToken.None))!.State.ShouldBe(JobState.Cancelling);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.WaitForStateAsync(id, JobState.Cancelled);
    }
}
