using System.Net;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;

namespace Gantry.Tests.EndToEnd;

/// <summary>Workers drained and removed through the admin API while they hold jobs, with the real dispatcher and fake ComfyUIs.</summary>
public sealed class FleetChangesEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_drained_worker_finishes_its_job_and_takes_no_new_one_even_with_a_free_slot()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(
            workers: 2,
            arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal,
            settings: new Dictionary<string, string> { ["Gantry:Scheduler:MaxRunningPerUser"] = "0" });
        using var user = await cluster.Server.CreateUserAsync();
        var first = await FakeWorkerCluster.SubmitAsync(user);
        var (index, run) = await cluster.RunOfAsync(first);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        var drained = FakeWorkerCluster.NameOf(index);
        var (kept, keptName) = (cluster.Fakes[1 - index], FakeWorkerCluster.NameOf(1 - index));

        using (var admin = cluster.Server.CreateAdminClient())
        using (var drain = await admin.PostAsync($"api/admin/workers/{drained}/drain", null, Ct))
        {
            (await drain.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("state").GetString().ShouldBe("draining");
        }

        // The other worker fills up (one running, one in its queue); the drained one still has a free slot but gets nothing.
        var second = await FakeWorkerCluster.SubmitAsync(user);
        var keptRun = await kept.WaitForRunAsync(second).WaitAsync(TestTimeouts.Default, Ct);
        await keptRun.Holding.WaitAsync(TestTimeouts.Default, Ct);
        kept.Script = FakeScripts.Normal;
        var third = await FakeWorkerCluster.SubmitAsync(user);
        await kept.WaitForRequestAsync("POST /prompt", 2).WaitAsync(TestTimeouts.Default, Ct);
        var fourth = await FakeWorkerCluster.SubmitAsync(user);
        await JobWaiter.StatusAsync(cluster.Server, user.Client, fourth, "waiting_to_dispatch");

        run.Release();
        (await JobWaiter.StatusAsync(cluster.Server, user.Client, first, "completed")).GetProperty("assigned_inference").GetString().ShouldBe(drained);
        await JobWaiter.StatusAsync(cluster.Server, user.Client, fourth, "waiting_to_dispatch");

        keptRun.Release();
        foreach (var id in new[] { second, third, fourth })
        {
            (await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed")).GetProperty("assigned_inference").GetString().ShouldBe(keptName);
        }

        cluster.Fakes[index].Prompts.Select(p => p.Id).ShouldBe([first.ToString("D")]);
    }

    [Fact]
    public async Task A_worker_removed_while_it_runs_a_job_hands_it_back_and_it_finishes_on_another_worker()
    {
        // One attempt per job: moving off a removed worker must not use it up.
        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 0, settings: new Dictionary<string, string> { ["Gantry:Scheduler:MaxAttempts"] = "1" });
        await using var leaving = await FakeComfyUiServer.StartAsync(Ct);
        await using var staying = await FakeComfyUiServer.StartAsync(Ct);
        leaving.Script = FakeScripts.HoldThenNormal;
        using var admin = cluster.Server.CreateAdminClient();
        await AddAsync(admin, "leaving", leaving);
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);
        var run = await leaving.WaitForRunAsync(id).WaitAsync(TestTimeouts.Default, Ct);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "in_progress");

        await AddAsync(admin, "staying", staying);
        using (var removed = await admin.DeleteAsync("api/admin/workers/leaving", Ct))
        {
            removed.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var status = await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "completed");
        status.GetProperty("assigned_inference").GetString().ShouldBe("staying");
        run.InterruptRequested.ShouldBeTrue();
        staying.Prompts.Select(p => p.Id).ShouldBe([id.ToString("D")]);
        (await cluster.Server.Store.GetJobAsync(id, Ct))!.Attempts.ShouldBe(2);
        (await JobWaiter.DetailAsync(user.Client, id)).GetProperty("outputs").GetProperty("9").GetProperty("images").GetArrayLength().ShouldBe(1);
    }

    private static async Task AddAsync(HttpClient admin, string name, FakeComfyUiServer fake)
    {
        using var added = await admin.PostAsync("api/admin/workers", TestWorkflows.Json($$"""{"url": "{{fake.BaseAddress}}", "name": "{{name}}"}"""), Ct);
        await added.ShouldBeJsonAsync(HttpStatusCode.Created);
    }
}
