using Gantry.Domain;
using Gantry.Scheduling;
using Gantry.Workers;

namespace Gantry.Tests.Scheduling;

/// <summary>Lost workers, retries and their cap, workers that cannot take a job, removal, and a restart.</summary>
public sealed class DispatcherRecoveryTests : DispatcherTestBase
{
    [Fact]
    public async Task A_lost_job_is_requeued_and_runs_again()
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker]);
        var id = await h.SubmitAsync(await h.UserAsync());
        await worker.NextSubmittedAsync();
        worker.Start(id, h.NowMs);
        await h.WaitForStateAsync(id, JobState.Running);

        worker.Lose(id, "the worker restarted");
        (await worker.NextSubmittedAsync()).JobId.ShouldBe(id);
        var again = await h.WaitForStateAsync(id, JobState.Dispatched);
        again.Attempts.ShouldBe(2);
        again.ExecutionStartMs.ShouldBeNull();
    }

    [Fact]
    public async Task A_job_lost_too_often_fails_naming_the_worker_and_the_cause()
    {
        var worker = new ScriptedWorker("gpu-7");
        var h = await StartAsync([worker], o => o.MaxAttempts = 3);
        var id = await h.SubmitAsync(await h.UserAsync());
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            (await worker.NextSubmittedAsync()).JobId.ShouldBe(id);
            (await h.WaitForStateAsync(id, JobState.Dispatched)).Attempts.ShouldBe(attempt);
            worker.Lose(id, "the process died (exit 137)");
            if (attempt < 3)
            {
                await h.WaitForStateAsync(id, JobState.Dispatched);
            }
        }

        var failed = await h.WaitForStateAsync(id, JobState.Failed);
        failed.ErrorMessage.ShouldBe("Worker 'gpu-7' lost the job: the process died (exit 137). Gave up after 3 attempts.");
        failed.Attempts.ShouldBe(3);
    }

    [Fact]
    public async Task A_worker_that_cannot_take_a_job_sends_it_elsewhere_without_using_up_an_attempt()
    {
        var busy = new ScriptedWorker("a-busy");
        var other = new ScriptedWorker("b-other");
        busy.SubmitFailures.Enqueue(new WorkerUnavailableException("restarting"));
        var h = await StartAsync([busy, other], o => o.MaxAttempts = 2);
        var id = await h.SubmitAsync(await h.UserAsync());

        (await other.NextSubmittedAsync()).JobId.ShouldBe(id);
        (await h.WaitForStateAsync(id, JobState.Dispatched)).Worker.ShouldBe("b-other");

        // Two hand-overs so far, one of them refused: losing it once more still leaves an attempt.
        other.Lose(id, "socket dropped");
        (await other.NextSubmittedAsync()).JobId.ShouldBe(id);
        other.Lose(id, "socket dropped");
        (await h.WaitForStateAsync(id, JobState.Failed)).ErrorMessage!.ShouldContain("Worker 'b-other' lost the job: socket dropped");
    }

    [Fact]
    public async Task A_paused_worker_gets_jobs_again_after_a_while()
    {
        var only = new ScriptedWorker("gpu-1");
        only.SubmitFailures.Enqueue(new WorkerUnavailableException("full"));
        var h = await StartAsync([only]);
        var id = await h.SubmitAsync(await h.UserAsync());
        await h.WaitForAsync(id, JobState.Queued, job => job.Attempts == 1);
        only.HasSubmitted.ShouldBeFalse();

        h.Clock.Advance(TimeSpan.FromSeconds(5));
        (await only.NextSubmittedAsync()).JobId.ShouldBe(id);
    }

    [Fact]
    public async Task A_removed_worker_hands_its_jobs_to_another()
    {
        var stays = new ScriptedWorker("stays", initialState: WorkerState.Offline);
        var h = await StartAsync([stays]);
        var leaving = h.Workers.Add(new ScriptedWorker("leaving"));
        (await h.Fleet.AddAsync("leaving", "http://leaving.test", null, CancellationToken.None)).Result.ShouldBe(FleetChangeResult.Done);
        var id = await h.SubmitAsync(await h.UserAsync());
        await leaving.NextSubmittedAsync();
        leaving.Start(id, h.NowMs);
        await h.WaitForStateAsync(id, JobState.Running);

        stays.SetState(WorkerState.Online);
        (await h.Fleet.RemoveAsync("leaving", CancellationToken.None)).Result.ShouldBe(FleetChangeResult.Done);
        (await leaving.NextCancelAsync()).ShouldBe(id);
        leaving.Disposed.ShouldBeTrue();
        (await stays.NextSubmittedAsync()).JobId.ShouldBe(id);
        (await h.Store.ListWorkersAsync(CancellationToken.None)).ShouldBeEmpty();

        // Its late report counts for nothing.
        await leaving.FinishAsync(id, ScriptedWorker.Outcome(WorkerJobResult.Interrupted, h.NowMs, h.NowMs));
        (await h.Store.GetJobAsync(id, CancellationToken.None))!.State.ShouldBe(JobState.Dispatched);
    }

    [Fact]
    public async Task After_a_restart_jobs_on_workers_are_reconciled_and_queued_jobs_run()
    {
        var user = await Store.CreateUserAsync("restart", isAdmin: false, CancellationToken.None);
        var stillRunning = await OnWorkerAsync(user, "gpu-1", JobState.Running);
        var forgotten = await OnWorkerAsync(user, "gpu-1", JobState.Dispatched);
        var orphan = await OnWorkerAsync(user, "removed-long-ago", JobState.Running);
        var cancelling = await OnWorkerAsync(user, "gpu-2", JobState.Cancelling);
        var queued = (await DispatcherHarness.InsertAsync(Store, user)).Id;

        var gpu1 = new ScriptedWorker("gpu-1", slots: 4);
        gpu1.Presence[stillRunning] = WorkerJobPresence.Running;
        var gpu2 = new ScriptedWorker("gpu-2", initialState: WorkerState.Offline);
        gpu2.Presence[cancelling] = WorkerJobPresence.Running;
        var h = await StartAsync([gpu1, gpu2], o => o.MaxRunningPerUser = 0);

        // The one the worker no longer knows and the orphan go back to the queue and run again, with the queued one.
        var submitted = new[] { await gpu1.NextSubmittedAsync(), await gpu1.NextSubmittedAsync(), await gpu1.NextSubmittedAsync() }.Select(j => j.JobId);
        submitted.ShouldBe([forgotten, orphan, queued], ignoreOrder: true);
        gpu1.Reconciled.ShouldBe([stillRunning, forgotten], ignoreOrder: true);
        (await h.Dispatcher.SnapshotAsync()).ShouldBe(new SchedulerSnapshot(Queued: 0, OnWorkers: 5, FreeWorkers: 0, AwaitingGraphs: 0, ReadingGraphs: 0));

        // The confirmed one is tracked: its report ends it.
        await gpu1.FinishAsync(stillRunning, ScriptedWorker.Outcome(WorkerJobResult.Succeeded, h.NowMs, h.NowMs + 1));
        await h.WaitForStateAsync(stillRunning, JobState.Succeeded);

        // gpu-2 was offline at start: asked once online, then told to stop the job the user cancelled.
        gpu2.Reconciled.ShouldBeEmpty();
        gpu2.SetState(WorkerState.Online);
        (await gpu2.NextCancelAsync()).ShouldBe(cancelling);
        await gpu2.FinishAsync(cancelling, ScriptedWorker.Outcome(WorkerJobResult.Interrupted, h.NowMs, h.NowMs));
        await h.WaitForStateAsync(cancelling, JobState.Cancelled);
    }

    [Fact]
    public async Task A_running_job_found_at_a_restart_keeps_its_maximum_runtime()
    {
        var user = await Store.CreateUserAsync("restart-timer", isAdmin: false, CancellationToken.None);
        var id = await OnWorkerAsync(user, "gpu-1", JobState.Running, startedAgo: TimeSpan.FromMinutes(8));
        var worker = new ScriptedWorker("gpu-1");
        worker.Presence[id] = WorkerJobPresence.Running;
        var h = await StartAsync([worker], o => o.MaxRuntime = TimeSpan.FromMinutes(10));
        h.Clock.Advance(TimeSpan.FromMinutes(2));
        (await worker.NextCancelAsync()).ShouldBe(id);
    }

    private async Task<Guid> OnWorkerAsync(User user, string worker, JobState state, TimeSpan? startedAgo = null)
    {
        var job = await DispatcherHarness.InsertAsync(Store, user);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Store.TransitionAsync(new JobTransition { JobId = job.Id, To = JobState.Dispatched, AtMs = now, Worker = worker, CountAttempt = true }, CancellationToken.None);
        if (state is JobState.Running or JobState.Cancelling)
        {
            var started = now - (long)(startedAgo ?? TimeSpan.Zero).TotalMilliseconds;
            await Store.TransitionAsync(new JobTransition { JobId = job.Id, To = JobState.Running, AtMs = now, ExecutionStartMs = started }, CancellationToken.None);
        }

        if (state == JobState.Cancelling)
        {
            await Store.TransitionAsync(new JobTransition { JobId = job.Id, To = JobState.Cancelling, AtMs = now, ErrorMessage = "Cancelled by the user." }, CancellationToken.None);
        }

        return job.Id;
    }
}
