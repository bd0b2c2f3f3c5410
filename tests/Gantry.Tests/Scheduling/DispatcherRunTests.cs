using System.Text;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Outputs;
using Gantry.Scheduling;
using Gantry.Store;
using Gantry.Tests.Infrastructure;
using Gantry.Workers;

namespace Gantry.Tests.Scheduling;

/// <summary>The dispatcher's main line: a job handed to a worker, its start, messages and end recorded.</summary>
public sealed class DispatcherRunTests : DispatcherTestBase
{
    private const string Outputs = """{"2": {"images": [{"filename": "out_00001_.png", "subfolder": "", "type": "output"}], "text": ["hello"]}}""";

    [Fact]
    public async Task A_job_is_dispatched_started_and_finished_with_its_results()
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker]);
        var user = await h.UserAsync();
        using var events = h.Hub.Subscribe(user.Id);
        var id = await h.SubmitAsync(user);

        var given = await worker.NextSubmittedAsync();
        given.JobId.ShouldBe(id);
        given.UserId.ShouldBe(user.Id);
        Encoding.UTF8.GetString(given.PromptJson).ShouldBe(DispatcherHarness.Prompt);
        given.OutputsToExecute.ShouldBe(["2"]);
        given.InputDirectory.ShouldBe(UserFiles.InputDirectory(new DataOptions { DataDirectory = h.DataDirectory }, user.Id));
        var dispatched = await h.WaitForStateAsync(id, JobState.Dispatched);
        dispatched.Worker.ShouldBe("gpu-1");
        dispatched.Attempts.ShouldBe(1);

        var start = h.NowMs;
        worker.Start(id, start);
        (await h.WaitForStateAsync(id, JobState.Running)).ExecutionStartMs.ShouldBe(start);

        worker.Message(id, "executing", $$$"""{"type":"executing","data":{"node":"2","prompt_id":"{{{id}}}"}}""");
        var frame = await events.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        frame.Type.ShouldBe("executing");
        frame.JobId.ShouldBe(id);
        Encoding.UTF8.GetString(frame.Payload.Span).ShouldContain("\"node\":\"2\"");

        await worker.FinishAsync(id, ScriptedWorker.Outcome(WorkerJobResult.Succeeded, start, start + 1500, Outputs));
        var done = await h.WaitForStateAsync(id, JobState.Succeeded);
        done.ExecutionStartMs.ShouldBe(start);
        done.ExecutionEndMs.ShouldBe(start + 1500);
        done.ExecutionDurationMs.ShouldBe(1500);
        done.OutputsCount.ShouldBe(1);
        done.OutputTypes.ShouldBe(OutputMediaTypes.Image);
        using (var preview = JsonDocument.Parse(done.PreviewOutputJson!))
        {
            preview.RootElement.GetProperty("filename").GetString().ShouldBe("out_00001_.png");
        }

        var detail = await h.Store.GetJobDetailAsync(id, CancellationToken.None);
        Encoding.UTF8.GetString(detail!.Result!.OutputsJson!).ShouldBe(Outputs);
        Encoding.UTF8.GetString(detail.Result.StatusJson!).ShouldContain("\"status_str\":\"success\"");

        // ComfyUI's final executing {node: null} comes after the end was reported; it still reaches the owner.
        worker.Message(id, "executing", $$$"""{"type":"executing","data":{"node":null,"prompt_id":"{{{id}}}"}}""");
        var last = await events.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Encoding.UTF8.GetString(last.Payload.Span).ShouldContain("\"node\":null");
    }

    [Fact]
    public async Task Jobs_reach_a_worker_in_the_order_they_were_decided_even_when_a_hand_over_is_slow()
    {
        var worker = new ScriptedWorker("gpu-1", slots: 2);
        var slow = worker.HoldNextSubmit();
        var h = await StartAsync([worker]);
        var user = await h.UserAsync();
        var first = await h.SubmitAsync(user);
        var second = await h.SubmitAsync(user);
        await worker.SubmitEntered.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        await h.WaitForStateAsync(first, JobState.Dispatched);

        slow.SetResult();
        (await worker.NextSubmittedAsync()).JobId.ShouldBe(first);
        (await worker.NextSubmittedAsync()).JobId.ShouldBe(second);
    }

    [Fact]
    public async Task A_failed_job_keeps_the_workers_error()
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker]);
        var id = await h.SubmitAsync(await h.UserAsync());
        await worker.NextSubmittedAsync();
        worker.Start(id, h.NowMs);
        const string error = """{"node_id":"2","node_type":"PreviewAny","exception_message":"boom","exception_type":"ValueError","traceback":[],"current_inputs":{},"current_outputs":{}}""";
        await worker.FinishAsync(id, ScriptedWorker.Outcome(WorkerJobResult.Failed, h.NowMs, h.NowMs + 5, error: error, message: "ValueError: boom (node 2 PreviewAny)"));

        var failed = await h.WaitForStateAsync(id, JobState.Failed);
        failed.ErrorMessage.ShouldBe("ValueError: boom (node 2 PreviewAny)");
        Encoding.UTF8.GetString(failed.ExecutionErrorJson!).ShouldBe(error);
        failed.OutputsCount.ShouldBe(0);
    }

    [Fact]
    public async Task A_job_the_worker_refuses_fails_with_the_workers_message()
    {
        var worker = new ScriptedWorker("gpu-1");
        worker.SubmitFailures.Enqueue(new WorkerRejectedJobException("Prompt outputs failed validation: value too big"));
        var h = await StartAsync([worker]);
        var id = await h.SubmitAsync(await h.UserAsync());

        var failed = await h.WaitForStateAsync(id, JobState.Failed);
        failed.ErrorMessage.ShouldBe("Worker 'gpu-1' refused the job: Prompt outputs failed validation: value too big");
        failed.Worker.ShouldBe("gpu-1");

        // The slot is free again.
        var next = await h.SubmitAsync(await h.UserAsync());
        (await worker.NextSubmittedAsync()).JobId.ShouldBe(next);
    }

    [Fact]
    public async Task A_job_no_worker_can_run_fails_with_the_reason()
    {
        var worker = new ScriptedWorker("gpu-1");
        var h = await StartAsync([worker]);
        var id = await h.SubmitAsync(await h.UserAsync(), """{"1": {"class_type": "KSampler", "inputs": {}}}""");

        var failed = await h.WaitForStateAsync(id, JobState.Failed);
        failed.ErrorMessage.ShouldBe("No worker can run this graph: 'gpu-1' lacks node class 'KSampler'.");
        failed.Attempts.ShouldBe(0);
    }

    [Fact]
    public async Task Jobs_go_only_to_the_worker_that_has_their_nodes()
    {
        var plain = new ScriptedWorker("plain");
        var special = new ScriptedWorker("special", SchedulingCatalogs.Classes("PrimitiveInt", "PreviewAny", "Upscale"));
        var h = await StartAsync([plain, special]);
        var id = await h.SubmitAsync(await h.UserAsync(), """{"1": {"class_type": "Upscale", "inputs": {}}}""");
        (await special.NextSubmittedAsync()).JobId.ShouldBe(id);
        plain.HasSubmitted.ShouldBeFalse();
    }

    [Fact]
    public async Task A_users_own_running_limit_from_the_store_is_kept()
    {
        var workers = new[] { new ScriptedWorker("a"), new ScriptedWorker("b"), new ScriptedWorker("c") };
        var h = await StartAsync(workers);
        var limited = await h.UserAsync(maxRunning: 1);
        var first = await h.SubmitAsync(limited);
        await h.SubmitAsync(limited);
        var other = await h.UserAsync();
        var otherJob = await h.SubmitAsync(other);

        await h.WaitForStateAsync(first, JobState.Dispatched);
        await h.WaitForStateAsync(otherJob, JobState.Dispatched);
        (await h.Store.CountUserJobsInStatesAsync(limited.Id, [JobState.Dispatched], CancellationToken.None)).ShouldBe(1);
        (h.Dispatcher.JobsOn("a") + h.Dispatcher.JobsOn("b") + h.Dispatcher.JobsOn("c")).ShouldBe(2);
    }

    [Fact]
    public async Task A_draining_worker_gets_nothing_new()
    {
        var draining = new ScriptedWorker("old");
        var fresh = new ScriptedWorker("new", initialState: WorkerState.Offline);
        var h = await StartAsync([draining, fresh]);
        (await h.Fleet.DrainAsync("old", CancellationToken.None)).Result.ShouldBe(FleetChangeResult.Done);
        var id = await h.SubmitAsync(await h.UserAsync());
        fresh.SetState(WorkerState.Online);
        (await fresh.NextSubmittedAsync()).JobId.ShouldBe(id);
        draining.HasSubmitted.ShouldBeFalse();
        h.Pool.Describe("old")!.State.ShouldBe(WorkerState.Draining);
    }
}
