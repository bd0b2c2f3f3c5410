using System.Net;
using Gantry.Domain;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// A ComfyUI worker cut off from Gantry (a network partition: the process lives on and keeps running its prompt) that
/// comes back after Gantry stopped following its job: the job's result is taken once and it never runs twice to the
/// end. Through a real server, the real dispatcher and ComfyUI worker, and scripted fake ComfyUIs.
/// </summary>
public sealed class WorkerBackAfterGraceTests
{
    private static readonly Dictionary<string, string> ShortGrace = new()
    {
        // Only the grace moves the job: the worker itself never gives it up while it is away.
        ["Gantry:ComfyUi:JobLostAfter"] = "00:10:00",
        ["Gantry:Scheduler:WorkerOfflineGrace"] = "00:00:00.300",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_back_with_the_job_finished_while_it_waits_requeued_gives_that_result_and_it_does_not_run_again()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 1, arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal, settings: ShortGrace);
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);
        var (_, run) = await cluster.RunOfAsync(id);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        var fake = cluster.Fakes[0];

        fake.Partition();
        await JobWaiter.StateAsync(cluster.Server, id, JobState.Queued);
        run.Release();
        await run.Ended.WaitAsync(TestTimeouts.Default, Ct);
        fake.Heal();

        var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed");
        status.GetProperty("assigned_inference").GetString().ShouldBe(FakeWorkerCluster.NameOf(0));
        (await JobWaiter.DetailAsync(user.Client, id)).GetProperty("outputs").GetProperty("9").GetProperty("images").GetArrayLength().ShouldBe(1);
        var stored = (await cluster.Server.Store.GetJobAsync(id, Ct))!;
        stored.Attempts.ShouldBe(1);
        stored.ExecutionStartMs.ShouldNotBeNull();
        fake.Prompts.Count(p => p.Id == id.ToString("D")).ShouldBe(1);
    }

    [Fact]
    public async Task A_worker_back_still_running_the_requeued_job_gets_it_back_instead_of_a_copy()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 1, arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal, settings: ShortGrace);
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);
        var (_, run) = await cluster.RunOfAsync(id);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        var fake = cluster.Fakes[0];

        fake.Partition();
        await JobWaiter.StateAsync(cluster.Server, id, JobState.Queued);
        fake.Heal();

        await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "in_progress");
        var taken = (await cluster.Server.Store.GetJobAsync(id, Ct))!;
        taken.Worker.ShouldBe(FakeWorkerCluster.NameOf(0));
        taken.Attempts.ShouldBe(1);
        fake.Prompts.Count(p => p.Id == id.ToString("D")).ShouldBe(1);

        run.Release();
        await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed");
        (await JobWaiter.DetailAsync(user.Client, id)).GetProperty("outputs").GetProperty("9").GetProperty("images").GetArrayLength().ShouldBe(1);
        (await cluster.Server.Store.GetJobAsync(id, Ct))!.Attempts.ShouldBe(1);
        fake.Prompts.Count(p => p.Id == id.ToString("D")).ShouldBe(1);
        run.InterruptRequested.ShouldBeFalse();
    }

    [Fact]
    public async Task A_worker_back_still_running_a_job_whose_copy_runs_elsewhere_is_told_to_stop_and_the_copy_counts()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 2, arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal, settings: ShortGrace);
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);
        var (index, run) = await cluster.RunOfAsync(id);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        var other = 1 - index;

        cluster.Fakes[index].Partition();
        var (_, copy) = await cluster.RunOfAsync(id, [other]);
        await copy.Holding.WaitAsync(TestTimeouts.Default, Ct);
        cluster.Fakes[index].Heal();

        // The copy the store holds wins: the returning worker's run is interrupted, and its end is not taken.
        await run.Ended.WaitAsync(TestTimeouts.Default, Ct);
        run.InterruptRequested.ShouldBeTrue();
        (await cluster.Server.Store.GetJobAsync(id, Ct))!.Worker.ShouldBe(FakeWorkerCluster.NameOf(other));

        copy.Release();
        var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed");
        status.GetProperty("assigned_inference").GetString().ShouldBe(FakeWorkerCluster.NameOf(other));
        (await cluster.Server.Store.GetJobAsync(id, Ct))!.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task A_cancel_asked_for_while_the_worker_was_away_is_sent_when_it_comes_back()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(
            workers: 1,
            arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal,
            settings: new Dictionary<string, string>(ShortGrace) { ["Gantry:Scheduler:WorkerOfflineGrace"] = "00:10:00" });
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);
        var (_, run) = await cluster.RunOfAsync(id);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        var fake = cluster.Fakes[0];

        fake.Partition();
        using (var cancel = await user.Client.PostAsync($"api/jobs/{id}/cancel", null, Ct))
        {
            cancel.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await JobWaiter.StateAsync(cluster.Server, id, JobState.Cancelled);
        run.InterruptRequested.ShouldBeFalse();
        fake.Heal();

        await run.Ended.WaitAsync(TestTimeouts.Default, Ct);
        run.InterruptRequested.ShouldBeTrue();
        (await cluster.Server.Store.GetJobAsync(id, Ct))!.State.ShouldBe(JobState.Cancelled);
        fake.Prompts.Count(p => p.Id == id.ToString("D")).ShouldBe(1);
    }
}
