using System.Net;
using Gantry.Domain;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// Cancels over HTTP of a job in each state: still queued in Gantry, handed over and waiting in the worker's own queue,
/// running. On a ComfyUI worker (the scripted fake) and on the embedded engine, through every cancel route a client has:
/// <c>POST /api/jobs/{id}/cancel</c>, <c>/api/queue</c> and <c>/queue</c> deletes, <c>/api/interrupt</c> and <c>/interrupt</c>.
/// </summary>
public sealed class CancelInEveryStateTests(EmbeddedSqliteServerFixture embedded) : IClassFixture<EmbeddedSqliteServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task On_a_ComfyUI_worker_a_queued_a_handed_over_and_a_running_job_are_each_cancelled(StoreKind kind)
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var cluster = await FakeWorkerCluster.StartAsync(arrange: (_, fake) => fake.Script = FakeScripts.HoldThenNormal, kind: kind);
        var fake = cluster.Fakes[0];
        var server = cluster.Server;
        using var user = await server.CreateUserAsync();
        var running = await FakeWorkerCluster.SubmitAsync(user);
        var (_, run) = await cluster.RunOfAsync(running);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        var handedOver = await FakeWorkerCluster.SubmitAsync(user);
        await fake.WaitForRequestAsync("POST /prompt", 2).WaitAsync(TestTimeouts.Default, Ct);
        await JobWaiter.StateAsync(server, handedOver, JobState.Dispatched);
        var queued = await FakeWorkerCluster.SubmitAsync(user);
        await JobWaiter.StatusAsync(server, user.Client, queued, "waiting_to_dispatch");

        // Queued in Gantry: deleted from the Cloud queue; it never reaches the worker.
        await PostOkAsync(user.Client, "api/queue", $$"""{"delete": ["{{queued}}"]}""");
        (await JobWaiter.StateAsync(server, queued, JobState.Cancelled)).ErrorMessage.ShouldBe("Deleted from the queue by the user.");

        // Waiting in the worker's queue: taken off it there, never run.
        await PostOkAsync(user.Client, $"api/jobs/{handedOver}/cancel", null);
        (await JobWaiter.StateAsync(server, handedOver, JobState.Cancelled)).ErrorMessage.ShouldBe("Cancelled by the user.");
        fake.Requests.ShouldContain("POST /queue");
        fake.Queue.Pending.ShouldBeEmpty();

        // Running: interrupted there; the job ends cancelled with ComfyUI's interrupted status.
        await PostOkAsync(user.Client, "api/interrupt", $$"""{"prompt_id": "{{running}}"}""");
        (await JobWaiter.StateAsync(server, running, JobState.Cancelled)).ErrorMessage.ShouldBe("Interrupted by the user.");
        fake.Requests.ShouldContain("POST /interrupt");
        run.InterruptRequested.ShouldBeTrue();
        var detail = await JobWaiter.DetailAsync(user.Client, running);
        detail.GetProperty("status").GetString().ShouldBe("cancelled");
        detail.GetProperty("execution_status").GetProperty("messages").EnumerateArray().Last()[0].GetString().ShouldBe("execution_interrupted");

        fake.Prompts.Select(p => p.Id).ShouldBe([running.ToString("D"), handedOver.ToString("D")]);
        fake.WaitForRunAsync(handedOver).IsCompleted.ShouldBeFalse();

        // The worker is free again: a new job runs to the end.
        fake.Script = FakeScripts.Normal;
        var next = await FakeWorkerCluster.SubmitAsync(user);
        await JobWaiter.StatusAsync(server, user.Client, next, "completed");
    }

    [Fact]
    public async Task A_job_cancelled_while_its_POST_to_the_worker_is_unanswered_is_stopped_once_the_worker_has_it()
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var cluster = await FakeWorkerCluster.StartAsync(arrange: (_, fake) =>
        {
            fake.Script = FakeScripts.HoldThenNormal;
            fake.BeforeAnswering = _ => answer.Task;
        });
        var fake = cluster.Fakes[0];
        using var user = await cluster.Server.CreateUserAsync();
        var id = await FakeWorkerCluster.SubmitAsync(user);
        await fake.WaitForRequestAsync("POST /prompt").WaitAsync(TestTimeouts.Default, Ct);

        await PostOkAsync(user.Client, $"api/jobs/{id}/cancel", null);
        (await cluster.Server.Store.GetJobAsync(id, Ct))!.State.ShouldBe(JobState.Cancelling);
        (await JobWaiter.StatusAsync(cluster.Server, user.Client, id, "cancelled")).GetProperty("error_message").GetString().ShouldBe("Cancelled by the user.");

        answer.SetResult();
        await JobWaiter.StateAsync(cluster.Server, id, JobState.Cancelled);
        fake.Queue.Running.ShouldBeNull();
        fake.Queue.Pending.ShouldBeEmpty();
    }

    [Fact]
    public async Task On_the_embedded_engine_a_queued_a_handed_over_and_a_running_job_are_each_cancelled()
    {
        var server = embedded.Server;
        using var user = await server.CreateUserAsync();
        var run = Guid.NewGuid().ToString("N");
        var runningGate = TestGate.Named($"{run}-running");
        var waitingGate = TestGate.Named($"{run}-waiting");
        var running = await JobWaiter.SubmitAsync(user.Client, EngineTestNodes.GateGraph($"{run}-running"));
        await JobWaiter.ReachedAsync(server, runningGate);
        var handedOver = await JobWaiter.SubmitAsync(user.Client, EngineTestNodes.GateGraph($"{run}-waiting"));
        await JobWaiter.StateAsync(server, handedOver, JobState.Dispatched);
        var queued = await JobWaiter.SubmitAsync(user.Client, JobWaiter.PrimitivesWorkflow);
        await JobWaiter.StatusAsync(server, user.Client, queued, "waiting_to_dispatch");

        // ComfyUI's /queue delete takes what still waits.
        await PostOkAsync(user.Client, "queue", $$"""{"delete": ["{{queued}}"]}""");
        await JobWaiter.StateAsync(server, queued, JobState.Cancelled);

        // The Cloud's /api/queue delete also takes a job the worker holds but has not started.
        using (var deleted = await user.Client.PostAsync("api/queue", TestWorkflows.Json($$"""{"delete": ["{{handedOver}}"]}"""), Ct))
        {
            (await deleted.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("deleted").EnumerateArray().Select(e => e.GetString()).ShouldBe([handedOver.ToString("D")]);
        }

        await JobWaiter.StateAsync(server, handedOver, JobState.Cancelled);

        // ComfyUI's /interrupt with no body stops what the user has running.
        await PostOkAsync(user.Client, "interrupt", null);
        (await JobWaiter.StateAsync(server, running, JobState.Cancelled)).ErrorMessage.ShouldBe("Interrupted by the user.");
        waitingGate.Reached.Task.IsCompleted.ShouldBeFalse();

        var next = await JobWaiter.SubmitAsync(user.Client, JobWaiter.PrimitivesWorkflow);
        (await JobWaiter.StatusAsync(server, user.Client, next, "completed")).GetProperty("assigned_inference").GetString().ShouldBe("embedded-1");
        waitingGate.Reached.Task.IsCompleted.ShouldBeFalse();
        (await JobWaiter.DetailAsync(user.Client, queued)).GetProperty("status").GetString().ShouldBe("cancelled");
    }

    private static async Task PostOkAsync(HttpClient client, string path, string? body)
    {
        using var response = await client.PostAsync(path, body is null ? null : TestWorkflows.Json(body), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"POST {path}: {await response.Content.ReadAsStringAsync(Ct)}");
    }
}
