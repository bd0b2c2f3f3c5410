using System.Net;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;

namespace Gantry.Tests.EndToEnd;

/// <summary>Two embedded workers and the default limits; users get their own limits as <c>gantry users limits</c> stores them.</summary>
public sealed class TwoWorkerServerFixture() : EmbeddedServerFixture(StoreKind.Sqlite, new Dictionary<string, string>
{
    ["Gantry:Workers:Embedded"] = "2",

    // No job held behind a running one: a job can only start on a worker that is free, so which worker serves it
    // does not depend on how quickly the other worker's last job was cleared.
    ["Gantry:Scheduler:Prefetch"] = "0",
});

/// <summary>A user's own limits (max running, max queued) take effect over HTTP while the defaults still hold for everyone else.</summary>
public sealed class UserLimitsEndToEndTests(TwoWorkerServerFixture fixture) : IClassFixture<TwoWorkerServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task A_user_limited_to_one_running_job_waits_while_a_free_worker_serves_another_user()
    {
        using var limited = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        await Server.Store.UpdateUserLimitsAsync(limited.User.Id, weight: null, maxRunning: 1, maxQueued: null, Ct);

        var gate = Guid.NewGuid().ToString();
        var holding = await JobWaiter.SubmitAsync(limited.Client, EngineTestNodes.GateGraph(gate));
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gate));
        var waiting = await JobWaiter.SubmitAsync(limited.Client, JobWaiter.PrimitivesWorkflow);

        // The other user gets the second worker, job after job, while the limited user's second job waits.
        for (var i = 0; i < 2; i++)
        {
            var theirs = await JobWaiter.SubmitAsync(other.Client, JobWaiter.PrimitivesWorkflow);
            (await JobWaiter.StatusAsync(Server, other.Client, theirs, "completed")).GetProperty("assigned_inference").GetString().ShouldBe("embedded-2");
        }

        await JobWaiter.StatusAsync(Server, limited.Client, waiting, "waiting_to_dispatch");

        TestGate.Named(gate).Open();
        await JobWaiter.StatusAsync(Server, limited.Client, holding, "completed");
        await JobWaiter.StatusAsync(Server, limited.Client, waiting, "completed");
    }

    [Fact]
    public async Task A_user_with_their_own_queue_cap_gets_429_beyond_it_and_others_do_not()
    {
        using var capped = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        await Server.Store.UpdateUserLimitsAsync(capped.User.Id, weight: null, maxRunning: 1, maxQueued: 1, Ct);
        var gate = Guid.NewGuid().ToString();
        var running = await JobWaiter.SubmitAsync(capped.Client, EngineTestNodes.GateGraph(gate));
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gate));
        await JobWaiter.StatusAsync(Server, capped.Client, running, "in_progress");
        var waiting = await JobWaiter.SubmitAsync(capped.Client, JobWaiter.PrimitivesWorkflow);

        using (var refused = await capped.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(JobWaiter.PrimitivesWorkflow)), Ct))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            refused.Headers.RetryAfter.ShouldNotBeNull();
        }

        for (var i = 0; i < 3; i++)
        {
            await JobWaiter.SubmitAsync(other.Client, JobWaiter.PrimitivesWorkflow);
        }

        TestGate.Named(gate).Open();
        await JobWaiter.StatusAsync(Server, capped.Client, waiting, "completed");
        await JobWaiter.SubmitAsync(capped.Client, JobWaiter.PrimitivesWorkflow);
    }
}
