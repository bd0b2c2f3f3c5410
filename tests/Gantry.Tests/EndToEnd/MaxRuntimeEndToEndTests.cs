using Gantry.Domain;
using Gantry.Tests.Events;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;

namespace Gantry.Tests.EndToEnd;

/// <summary>An embedded worker whose jobs may run for one second.</summary>
public sealed class ShortRuntimeServerFixture() : EmbeddedServerFixture(StoreKind.Sqlite, new Dictionary<string, string>
{
    ["Gantry:Scheduler:MaxRuntime"] = "00:00:01",
});

/// <summary>The maximum runtime, enforced by the real server's clock on the embedded engine and on a ComfyUI worker.</summary>
public sealed class MaxRuntimeEndToEndTests(ShortRuntimeServerFixture fixture) : IClassFixture<ShortRuntimeServerFixture>
{
    [Fact]
    public async Task A_job_running_past_the_maximum_runtime_is_interrupted_and_fails_and_the_worker_runs_the_next()
    {
        var server = fixture.Server;
        using var user = await server.CreateUserAsync();
        var gate = Guid.NewGuid().ToString();
        var id = await JobWaiter.SubmitAsync(user.Client, EngineTestNodes.GateGraph(gate));
        await JobWaiter.ReachedAsync(server, TestGate.Named(gate));

        var status = await JobWaiter.StatusAsync(server, user.Client, id, "error");
        status.GetProperty("error_message").GetString().ShouldBe("Job exceeded the maximum runtime of 1 second.");
        TestGate.Named(gate).Opened.IsSet.ShouldBeFalse("the gate was never opened: the engine was interrupted");

        var next = await JobWaiter.SubmitAsync(user.Client, JobWaiter.PrimitivesWorkflow);
        await JobWaiter.StatusAsync(server, user.Client, next, "completed");
    }

    [Fact]
    public async Task A_ComfyUI_worker_that_ignores_the_interrupt_has_its_job_failed_by_gantry_after_the_grace()
    {
        await using var cluster = await FakeWorkerCluster.StartAsync(
            arrange: (_, fake) => fake.Script = async run =>
            {
                await run.ExecuteNodeAsync("4");
                await run.HoldUninterruptibleAsync();
                await FakeScripts.Normal(run);
            },
            settings: new Dictionary<string, string>
            {
                ["Gantry:Scheduler:MaxRuntime"] = "00:00:00.500",
                ["Gantry:Scheduler:CancelGrace"] = "00:00:00.500",
            });
        var fake = cluster.Fakes[0];
        using var user = await cluster.Server.CreateUserAsync();
        var (socket, _) = await TestSocket.OpenAsync(cluster.Server, user.Key);
        await using (socket)
        {
            var id = await FakeWorkerCluster.SubmitAsync(user);
            var (_, run) = await cluster.RunOfAsync(id);

            var failed = await JobWaiter.StateAsync(cluster.Server, id, JobState.Failed);
            failed.ErrorMessage.ShouldBe("Job exceeded the maximum runtime of 0.5 seconds.");
            run.InterruptRequested.ShouldBeTrue();
            fake.Requests.ShouldContain("POST /interrupt");
            fake.Queue.Running.ShouldBe(id.ToString("D"));

            // The owner's socket hears of the end as from ComfyUI: the error, then the final executing.
            var frames = await SocketJournal.ReadJobAsync(socket, id);
            SocketJournal.Outline(frames, id)[^2..].ShouldBe(["execution_error", "executing:null"]);
            var error = frames.Single(f => f.Type == "execution_error").Data;
            error.GetProperty("exception_message").GetString().ShouldBe("Job exceeded the maximum runtime of 0.5 seconds.");
            error.GetProperty("node_id").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);

            // A script that reads the history on that message finds the job failed.
            using var history = await user.Client.GetAsync($"history/{id}", TestContext.Current.CancellationToken);
            var item = (await history.ShouldBeJsonAsync(System.Net.HttpStatusCode.OK)).GetProperty(id.ToString("D"));
            var status = item.GetProperty("status");
            status.GetProperty("status_str").GetString().ShouldBe("error");
            var recorded = status.GetProperty("messages").EnumerateArray().Last();
            recorded[0].GetString().ShouldBe("execution_error");
            recorded[1].GetProperty("exception_type").GetString().ShouldBe(error.GetProperty("exception_type").GetString());
            recorded[1].GetProperty("timestamp").GetInt64().ShouldBe(error.GetProperty("timestamp").GetInt64());
        }
    }
}
