using System.Net;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Workers;

namespace Gantry.Tests.Scheduling;

/// <summary>Two embedded workers, at most one running job and two waiting jobs per user.</summary>
public sealed class LimitsServerFixture() : EmbeddedServerFixture(StoreKind.Sqlite, new Dictionary<string, string>
{
    ["Gantry:Workers:Embedded"] = "2",
    ["Gantry:Scheduler:MaxRunningPerUser"] = "1",
    ["Gantry:Limits:MaxQueuedPerUser"] = "2",
});

/// <summary>Per-user limits end to end: concurrency on the workers, and the cap on waiting jobs (429).</summary>
[Collection(EmbeddedServerCollection.Name)]
public sealed class LimitsEndToEndTests(LimitsServerFixture fixture) : IClassFixture<LimitsServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task A_user_at_their_running_limit_waits_while_another_user_runs()
    {
        using var busy = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var gateName = Guid.NewGuid().ToString();
        var first = await JobWaiter.SubmitAsync(busy.Client, EngineTestNodes.GateGraph(gateName));
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gateName));
        var second = await JobWaiter.SubmitAsync(busy.Client, JobWaiter.PrimitivesWorkflow);

        // The second embedded worker is free, yet the busy user's next job waits; another user's job runs there.
        var otherJob = await JobWaiter.SubmitAsync(other.Client, JobWaiter.PrimitivesWorkflow);
        await JobWaiter.StatusAsync(Server, other.Client, otherJob, "completed");
        await JobWaiter.StatusAsync(Server, busy.Client, second, "waiting_to_dispatch");
        await JobWaiter.StatusAsync(Server, busy.Client, first, "in_progress");

        TestGate.Named(gateName).Open();
        await JobWaiter.StatusAsync(Server, busy.Client, first, "completed");
        await JobWaiter.StatusAsync(Server, busy.Client, second, "completed");
    }

    [Fact]
    public async Task A_user_with_too_many_waiting_jobs_gets_429_with_retry_after()
    {
        using var user = await Server.CreateUserAsync();
        var gateName = Guid.NewGuid().ToString();
        var running = await JobWaiter.SubmitAsync(user.Client, EngineTestNodes.GateGraph(gateName));
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gateName));
        await JobWaiter.StatusAsync(Server, user.Client, running, "in_progress");
        var waiting = new[]
        {
            await JobWaiter.SubmitAsync(user.Client, JobWaiter.PrimitivesWorkflow),
            await JobWaiter.SubmitAsync(user.Client, JobWaiter.PrimitivesWorkflow),
        };

        using var refused = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(JobWaiter.PrimitivesWorkflow)), TestContext.Current.CancellationToken);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.ShouldNotBeNull();

        TestGate.Named(gateName).Open();
        foreach (var id in waiting)
        {
            await JobWaiter.StatusAsync(Server, user.Client, id, "completed");
        }

        using var accepted = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(JobWaiter.PrimitivesWorkflow)), TestContext.Current.CancellationToken);
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
