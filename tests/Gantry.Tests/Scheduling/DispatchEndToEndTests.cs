using System.Net;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Workers;

namespace Gantry.Tests.Scheduling;

/// <summary>Jobs submitted over HTTP run on the embedded engine: results, failures, cancels, fairness.</summary>
public abstract class DispatchEndToEndTests(EmbeddedServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task A_submitted_workflow_runs_to_completion_with_its_outputs()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobWaiter.SubmitAsync(user.Client, JobWaiter.PrimitivesWorkflow);

        var status = await JobWaiter.StatusAsync(Server, user.Client, id, "completed");
        status.GetProperty("assigned_inference").GetString().ShouldBe("embedded-1");
        status.GetProperty("error_message").ValueKind.ShouldBe(JsonValueKind.Null);

        var detail = await JobWaiter.DetailAsync(user.Client, id);
        detail.GetProperty("status").GetString().ShouldBe("completed");
        detail.GetProperty("outputs").GetProperty("4").GetProperty("text")[0].GetString().ShouldBe("hello world");
        var execution = detail.GetProperty("execution_status");
        execution.GetProperty("status_str").GetString().ShouldBe("success");
        execution.GetProperty("completed").GetBoolean().ShouldBeTrue();
        execution.GetProperty("messages").EnumerateArray().Select(m => m[0].GetString()).ShouldBe(["execution_start", "execution_cached", "execution_success"]);
        detail.GetProperty("preview_output").GetProperty("nodeId").GetString().ShouldBe("4");
        detail.GetProperty("execution_meta").GetProperty("4").GetProperty("node_id").GetString().ShouldBe("4");

        using var list = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        var entry = (await list.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("jobs")[0];
        entry.GetProperty("status").GetString().ShouldBe("completed");
        entry.GetProperty("execution_start_time").GetInt64().ShouldBeLessThanOrEqualTo(entry.GetProperty("execution_end_time").GetInt64());
    }

    [Fact]
    public async Task A_failing_graph_ends_failed_with_its_execution_error()
    {
        using var user = await Server.CreateUserAsync();
        var id = await JobWaiter.SubmitAsync(user.Client, EngineTestNodes.FailGraph("this input is bad"));

        var status = await JobWaiter.StatusAsync(Server, user.Client, id, "error");
        status.GetProperty("error_message").GetString().ShouldBe("ValueError: this input is bad (node 2 TestFail)");

        var detail = await JobWaiter.DetailAsync(user.Client, id);
        detail.GetProperty("status").GetString().ShouldBe("failed");
        var error = detail.GetProperty("execution_error");
        error.GetProperty("node_id").GetString().ShouldBe("2");
        error.GetProperty("node_type").GetString().ShouldBe("TestFail");
        error.GetProperty("exception_type").GetString().ShouldBe("ValueError");
        error.GetProperty("current_outputs").ValueKind.ShouldBe(JsonValueKind.Object);
        detail.GetProperty("execution_status").GetProperty("status_str").GetString().ShouldBe("error");
    }

    [Fact]
    public async Task A_graph_with_a_node_no_worker_has_is_refused_at_submit()
    {
        using var user = await Server.CreateUserAsync();
        using var response = await user.Client.PostAsync(
            "api/prompt", TestWorkflows.Json(TestWorkflows.Body("""{"1": {"class_type": "KSampler", "inputs": {}}}""")), TestContext.Current.CancellationToken);
        await response.ShouldBePromptErrorAsync(HttpStatusCode.BadRequest, "missing_node_type");
    }

    [Fact]
    public async Task A_running_job_can_be_cancelled()
    {
        using var user = await Server.CreateUserAsync();
        var gateName = Guid.NewGuid().ToString();
        var id = await JobWaiter.SubmitAsync(user.Client, EngineTestNodes.GateGraph(gateName));
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gateName));
        await JobWaiter.StatusAsync(Server, user.Client, id, "in_progress");

        using var cancel = await user.Client.PostAsync($"api/jobs/{id}/cancel", null, TestContext.Current.CancellationToken);
        (await cancel.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("cancelled").GetBoolean().ShouldBeTrue();

        // The Cloud status says "cancelled" from the moment the cancel is asked for; the job ends once the worker stopped it.
        (await JobWaiter.StatusAsync(Server, user.Client, id, "cancelled")).GetProperty("error_message").GetString().ShouldBe("Cancelled by the user.");
        await JobWaiter.StateAsync(Server, id, JobState.Cancelled);
        var detail = await JobWaiter.DetailAsync(user.Client, id);
        detail.GetProperty("status").GetString().ShouldBe("cancelled");
        detail.GetProperty("execution_status").GetProperty("messages").EnumerateArray().Last()[0].GetString().ShouldBe("execution_interrupted");
    }

    [Fact]
    public async Task A_user_who_queues_later_is_served_between_the_jobs_of_a_user_who_queued_many()
    {
        using var a = await Server.CreateUserAsync();
        using var b = await Server.CreateUserAsync();
        var run = Guid.NewGuid().ToString("N");
        var gates = new Dictionary<string, TestGate>();
        var ids = new Dictionary<string, Guid>();
        async Task SubmitAsync(TestUser user, string label)
        {
            gates[label] = TestGate.Named($"{run}-{label}");
            ids[label] = await JobWaiter.SubmitAsync(user.Client, EngineTestNodes.GateGraph($"{run}-{label}"));
        }

        for (var i = 1; i <= 6; i++)
        {
            await SubmitAsync(a, $"A{i}");
        }

        // A1 runs, A2 waits in the worker; only then does B queue.
        await JobWaiter.ReachedAsync(Server, gates["A1"]);
        await JobWaiter.StateAsync(Server, ids["A2"], Gantry.Domain.JobState.Dispatched);
        await SubmitAsync(b, "B1");
        await SubmitAsync(b, "B2");

        var order = new List<string>();
        while (order.Count < gates.Count)
        {
            var waiting = gates.Where(g => !order.Contains(g.Key)).ToList();
            Task reached;
            try
            {
                reached = await Task.WhenAny(waiting.Select(g => g.Value.Reached.Task)).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                var jobs = await Server.Store.ListActiveJobsAsync(CancellationToken.None);
                var snapshot = await Server.GetService<Gantry.Scheduling.Dispatcher>().SnapshotAsync();
                var workers = string.Join(", ", Server.GetService<Gantry.Workers.WorkerPool>().Workers.Select(w => $"{w.Name} {w.State} {w.Running}/{w.Slots}"));
                throw new ShouldAssertException(
                    $"order so far {string.Join(",", order)}; active {string.Join("; ", jobs.Select(j => $"{j.Id}:{j.State}@{j.Worker}"))}; {snapshot}; {workers}\n{JobWaiter.LogTail(Server)}");
            }

            var label = waiting.Single(g => g.Value.Reached.Task == reached).Key;
            order.Add(label);

            // The order is the fairness rule's only once the dispatcher knows every user's next job: it reads a job's
            // graph when the job becomes its owner's next, and meanwhile (work-conserving) gives a free slot to a user
            // whose next job it has read. On a busy machine that read can outlast a job of this test, which ends as
            // soon as its gate opens; so the slot is freed only once no graph is awaited.
            await GraphsReadAsync();
            gates[label].Open();
        }

        order.ShouldBe(["A1", "A2", "B1", "A3", "B2", "A4", "A5", "A6"]);
    }

    /// <summary>Waits until the dispatcher has read the graph of every user's next job.</summary>
    private async Task GraphsReadAsync()
    {
        var dispatcher = Server.GetService<Gantry.Scheduling.Dispatcher>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TestTimeouts.Default);
        while (await dispatcher.SnapshotAsync().WaitAsync(deadline.Token) is { AwaitingGraphs: > 0 } or { ReadingGraphs: > 0 })
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}

[Collection(EmbeddedServerCollection.Name)]
public sealed class DispatchEndToEndSqliteTests(EmbeddedSqliteServerFixture fixture) : DispatchEndToEndTests(fixture), IClassFixture<EmbeddedSqliteServerFixture>;

[Collection(EmbeddedServerCollection.Name)]
public sealed class DispatchEndToEndPostgresTests(EmbeddedPostgresServerFixture fixture) : DispatchEndToEndTests(fixture), IClassFixture<EmbeddedPostgresServerFixture>;

/// <summary>Tests on one embedded worker share it: they run one class at a time so their jobs do not wait behind each other's gates.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedServerCollection
{
    public const string Name = "embedded servers";
}
