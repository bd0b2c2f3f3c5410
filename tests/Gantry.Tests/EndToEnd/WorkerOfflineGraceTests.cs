using Gantry.Domain;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// <c>Gantry:Scheduler:WorkerOfflineGrace</c> through a real server and scripted fake ComfyUIs: a job held by a worker
/// offline past the grace goes back to the queue ahead of its owner's later jobs; a worker back within it keeps the
/// job and its result is taken once. <c>JobLostAfter</c> is set long so only the grace can move the job.
/// </summary>
public sealed class WorkerOfflineGraceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_on_a_worker_offline_past_the_grace_is_requeued_ahead_of_its_owners_later_job()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(
            workers: 2,
            arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal,
            settings: new Dictionary<string, string>
            {
                ["Gantry:ComfyUi:JobLostAfter"] = "00:10:00",
                ["Gantry:Scheduler:WorkerOfflineGrace"] = "00:00:00.300",
                ["Gantry:Scheduler:MaxRunningPerUser"] = "1",
            });
        using var user = await cluster.Server.CreateUserAsync();
        var first = await FakeWorkerCluster.SubmitAsync(user);
        var (index, run) = await cluster.RunOfAsync(first);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        await JobWaiter.StatusAsync(cluster.Server, user.Client, first, "in_progress");
        var later = await FakeWorkerCluster.SubmitAsync(user);
        await JobWaiter.StateAsync(cluster.Server, later, JobState.Queued);

        await cluster.Fakes[index].StopAsync();

        // The user may run one job at a time: had the later job gone first, it would hold the only slot forever.
        var other = 1 - index;
        var (_, again) = await cluster.RunOfAsync(first, [other]);
        await again.Holding.WaitAsync(TestTimeouts.Default, Ct);
        cluster.Fakes[other].Prompts.ShouldNotContain(p => p.Id == later.ToString("D"));
        again.Release();
        var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, first, "completed");
        status.GetProperty("assigned_inference").GetString().ShouldBe(FakeWorkerCluster.NameOf(other));
        (await cluster.Server.Store.GetJobAsync(first, Ct))!.Attempts.ShouldBe(2);

        var (_, next) = await cluster.RunOfAsync(later, [other]);
        await next.Holding.WaitAsync(TestTimeouts.Default, Ct);
        next.Release();
        await JobWaiter.StatusAsync(cluster.Server, user.Client, later, "completed");
        cluster.Fakes[other].Prompts.Select(p => p.Id).ShouldBe([first.ToString("D"), later.ToString("D")]);
    }

    [Fact]
    public async Task A_worker_back_within_the_grace_with_the_job_finished_gives_its_result_once()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(
            workers: 2,
            arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal,
            settings: new Dictionary<string, string>
            {
                ["Gantry:ComfyUi:JobLostAfter"] = "00:10:00",
                ["Gantry:Scheduler:WorkerOfflineGrace"] = "00:10:00",
            });
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);
        var (index, run) = await cluster.RunOfAsync(id);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "in_progress");

        // The worker loses its socket and cannot get it back; the job finishes there meanwhile.
        var fake = cluster.Fakes[index];
        fake.RefuseSockets = true;
        fake.DropSockets();
        run.Release();
        fake.RefuseSockets = false;

        var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed");
        status.GetProperty("assigned_inference").GetString().ShouldBe(FakeWorkerCluster.NameOf(index));
        (await JobWaiter.DetailAsync(user.Client, id)).GetProperty("outputs").GetProperty("9").GetProperty("images").GetArrayLength().ShouldBe(1);
        (await cluster.Server.Store.GetJobAsync(id, Ct))!.Attempts.ShouldBe(1);
        cluster.Fakes.Sum(f => f.Prompts.Count(p => p.Id == id.ToString("D"))).ShouldBe(1);
    }
}
