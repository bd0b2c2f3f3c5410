using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Gantry.Outputs;
using Gantry.Store;
using Gantry.Tests.Infrastructure;
using Gantry.Workers;
using Gantry.Workers.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gantry.Tests.Workers.Embedded;

/// <summary>The embedded worker on the real engine: events as ComfyUI messages, outcomes, files, slots, cancels.</summary>
public sealed class EmbeddedWorkerTests : IAsyncLifetime
{
    private const string Primitives = """
        {"1": {"class_type": "PrimitiveString", "inputs": {"value": "hello"}},
         "2": {"class_type": "PrimitiveString", "inputs": {"value": " world"}},
         "3": {"class_type": "StringConcatenate", "inputs": {"string_a": ["1", 0], "string_b": ["2", 0], "delimiter": ""}},
         "4": {"class_type": "PreviewAny", "inputs": {"source": ["3", 0]}}}
        """;

    private readonly TempDirectory _data = new("gantry-embedded");
    private readonly RecordingCallbacks _callbacks = new();
    private IGantryStore _store = null!;
    private EmbeddedWorker _worker = null!;

    public async ValueTask InitializeAsync()
    {
        _store = GantryStoreFactory.Create(null, _data.Path);
        await _store.InitializeAsync(CancellationToken.None);
        var importer = new OutputImporter(new ContentStore(_data.Path), _store, TimeProvider.System);
        var factory = new EmbeddedWorkerFactory(
            EngineTestNodes.Catalog(), Options.Create(new DataOptions { DataDirectory = _data.Path }), Options.Create(new WorkerPoolOptions()), Options.Create(new PrefetchOptions { Prefetch = 1 }), importer, TimeProvider.System, NullLoggerFactory.Instance, Options.Create(new EngineSettings()));
        _worker = factory.Create("embedded-1");
        await _worker.StartAsync(_callbacks, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.DisposeAsync();
        await _store.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public void It_describes_itself_as_an_online_embedded_worker_with_the_engines_catalog()
    {
        _worker.Kind.ShouldBe("embedded");
        _worker.Url.ShouldBeNull();
        _worker.State.ShouldBe(WorkerState.Online);
        _worker.Slots.ShouldBe(2);
        _worker.Capabilities!.Nodes.Contains("PreviewAny").ShouldBeTrue();
        _worker.Capabilities.Nodes.Contains("TestGate").ShouldBeTrue();
        _worker.Capabilities.Models.ShouldBeEmpty();
        _callbacks.WorkerChanges.ShouldBe(1);
    }

    [Fact]
    public async Task A_job_runs_with_comfyui_messages_then_its_outcome_then_the_final_executing()
    {
        var job = Job(Primitives);
        await _worker.SubmitAsync(job, CancellationToken.None);
        var reports = await _callbacks.UntilDoneAsync(job.JobId);

        var kinds = reports.Select(r => r.Kind).ToList();
        kinds[0].ShouldBe("started");
        kinds[1].ShouldBe("execution_start");
        kinds.ShouldContain("executed");
        kinds.IndexOf("execution_success").ShouldBeLessThan(kinds.IndexOf("finished"));
        kinds[^2].ShouldBe("finished");
        kinds[^1].ShouldBe("executing");

        using (var start = JsonDocument.Parse(reports[1].Text))
        {
            start.RootElement.GetProperty("type").GetString().ShouldBe("execution_start");
            start.RootElement.GetProperty("data").GetProperty("prompt_id").GetString().ShouldBe(job.JobId.ToString("D"));
        }

        var executed = reports.First(r => r.Kind == "executed").Text;
        executed.ShouldContain("hello world");

        var outcome = reports.Single(r => r.Outcome is not null).Outcome!;
        outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        outcome.ExecutionStartMs.ShouldNotBeNull();
        outcome.ExecutionEndMs!.Value.ShouldBeGreaterThanOrEqualTo(outcome.ExecutionStartMs!.Value);
        Encoding.UTF8.GetString(outcome.OutputsJson).ShouldBe("""{"4":{"text":["hello world"]}}""");
        using (var status = JsonDocument.Parse(outcome.StatusJson))
        {
            status.RootElement.GetProperty("status_str").GetString().ShouldBe("success");
            status.RootElement.GetProperty("completed").GetBoolean().ShouldBeTrue();
            status.RootElement.GetProperty("messages")[0][0].GetString().ShouldBe("execution_start");
        }

        Encoding.UTF8.GetString(outcome.MetaJson).ShouldContain("\"4\":{\"node_id\":\"4\"");
        outcome.ExecutionErrorJson.ShouldBeNull();
        outcome.ErrorMessage.ShouldBeNull();
        reports[^1].Text.ShouldBe($$$"""{"type":"executing","data":{"node":null,"prompt_id":"{{{job.JobId:D}}}"}}""");
    }

    [Fact]
    public async Task A_failing_node_gives_a_failed_outcome_with_the_clouds_execution_error()
    {
        var job = Job(EngineTestNodes.FailGraph("bad value"));
        await _worker.SubmitAsync(job, CancellationToken.None);
        var outcome = await _callbacks.OutcomeAsync(job.JobId);

        outcome.Result.ShouldBe(WorkerJobResult.Failed);
        outcome.ErrorMessage.ShouldBe("ValueError: bad value (node 2 TestFail)");
        using var error = JsonDocument.Parse(outcome.ExecutionErrorJson!);
        var root = error.RootElement;
        root.EnumerateObject().Select(p => p.Name).ShouldBe(
            ["node_id", "node_type", "exception_message", "exception_type", "traceback", "current_inputs", "current_outputs"]);
        root.GetProperty("node_id").GetString().ShouldBe("2");
        root.GetProperty("node_type").GetString().ShouldBe("TestFail");
        root.GetProperty("exception_type").GetString().ShouldBe("ValueError");
        root.GetProperty("exception_message").GetString()!.ShouldStartWith("bad value");
        root.GetProperty("traceback").ValueKind.ShouldBe(JsonValueKind.Array);
        root.GetProperty("current_inputs").ValueKind.ShouldBe(JsonValueKind.Object);
        root.GetProperty("current_outputs").ValueKind.ShouldBe(JsonValueKind.Object);
        Encoding.UTF8.GetString(outcome.StatusJson).ShouldContain("execution_error");
    }

    [Fact]
    public async Task A_graph_the_engine_refuses_is_rejected_at_submit()
    {
        var ex = await Should.ThrowAsync<WorkerRejectedJobException>(
            () => _worker.SubmitAsync(Job("""{"1": {"class_type": "KSampler", "inputs": {}}}"""), CancellationToken.None));
        ex.Message.ShouldContain("KSampler");
        Encoding.UTF8.GetString(ex.ErrorBodyJson!).ShouldContain("missing_node_type");
    }

    [Fact]
    public async Task It_holds_one_running_and_one_prefetched_job_and_refuses_a_third()
    {
        var name = Guid.NewGuid().ToString();
        var gate = TestGate.Named(name);
        var first = Job(EngineTestNodes.GateGraph(name));
        var second = Job(Primitives);
        await _worker.SubmitAsync(first, CancellationToken.None);
        await _worker.SubmitAsync(second, CancellationToken.None);
        await gate.WaitReachedAsync();
        _worker.HeldJobs.ShouldBe(2);
        (await _worker.ReconcileAsync(first, CancellationToken.None)).ShouldBe(WorkerJobPresence.Running);
        (await _worker.ReconcileAsync(second, CancellationToken.None)).ShouldBe(WorkerJobPresence.Pending);
        (await _worker.ReconcileAsync(Job(Primitives), CancellationToken.None)).ShouldBe(WorkerJobPresence.Unknown);

        await Should.ThrowAsync<WorkerUnavailableException>(() => _worker.SubmitAsync(Job(Primitives), CancellationToken.None));

        gate.Open();
        (await _callbacks.OutcomeAsync(first.JobId)).Result.ShouldBe(WorkerJobResult.Succeeded);
        (await _callbacks.OutcomeAsync(second.JobId)).Result.ShouldBe(WorkerJobResult.Succeeded);
    }

    [Fact]
    public async Task The_next_job_runs_while_the_last_ones_end_is_still_being_recorded_and_each_final_executing_waits_for_its_record()
    {
        var recording = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _callbacks.RecordingEnds = recording.Task;
        var first = Job(Primitives);
        var second = Job(Primitives.Replace("hello", "hi", StringComparison.Ordinal));
        await _worker.SubmitAsync(first, TestContext.Current.CancellationToken);
        await _worker.SubmitAsync(second, TestContext.Current.CancellationToken);

        // Both ends reach the dispatcher although it has recorded neither: the worker did not wait for the first.
        var reports = new List<Report>();
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            timeout.CancelAfter(TestTimeouts.Default);
            while (reports.Count(r => r.Kind == "finished") < 2)
            {
                reports.Add(await _callbacks.Reports.Reader.ReadAsync(timeout.Token));
            }
        }

        reports.Where(r => r.Kind == "finished").Select(r => r.JobId).ShouldBe([first.JobId, second.JobId]);
        reports.ShouldNotContain(r => r.Kind == "executing" && r.Text.Contains("\"node\":null", StringComparison.Ordinal));
        var firstReports = reports.Where(r => r.JobId == first.JobId).Select(r => r.Kind).ToList();
        firstReports.IndexOf("execution_success").ShouldBeLessThan(firstReports.IndexOf("finished"));

        // Once recorded, each job's final executing follows (the two in either order: each waits for its own record).
        recording.SetResult();
        var done = new HashSet<Guid>();
        using var finals = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        finals.CancelAfter(TestTimeouts.Default);
        while (done.Count < 2)
        {
            var report = await _callbacks.Reports.Reader.ReadAsync(finals.Token);
            if (report.Kind == "executing" && report.Text.Contains("\"node\":null", StringComparison.Ordinal))
            {
                done.Add(report.JobId);
            }
        }

        done.ShouldBe([first.JobId, second.JobId], ignoreOrder: true);
    }

    [Fact]
    public async Task Cancelling_interrupts_the_running_job_and_drops_the_waiting_one()
    {
        var name = Guid.NewGuid().ToString();
        var gate = TestGate.Named(name);
        var running = Job(EngineTestNodes.GateGraph(name));
        var waiting = Job(Primitives);
        await _worker.SubmitAsync(running, CancellationToken.None);
        await _worker.SubmitAsync(waiting, CancellationToken.None);
        await gate.WaitReachedAsync();

        await _worker.CancelAsync(waiting.JobId, CancellationToken.None);
        var dropped = await _callbacks.OutcomeAsync(waiting.JobId);
        dropped.Result.ShouldBe(WorkerJobResult.Interrupted);
        dropped.ExecutionStartMs.ShouldBeNull();
        dropped.ErrorMessage.ShouldBe("Cancelled before it started on worker 'embedded-1'.");
        Encoding.UTF8.GetString(dropped.StatusJson).ShouldContain("execution_interrupted");

        await _worker.CancelAsync(running.JobId, CancellationToken.None);
        var interrupted = await _callbacks.OutcomeAsync(running.JobId);
        interrupted.Result.ShouldBe(WorkerJobResult.Interrupted);
        interrupted.ErrorMessage.ShouldBe("Interrupted on worker 'embedded-1' at node 1.");
        _worker.HeldJobs.ShouldBe(0);
    }

    [Fact]
    public async Task Output_files_are_imported_into_the_content_store_under_the_users_name()
    {
        // The file index belongs to a real user's real job.
        var user = await _store.CreateUserAsync("files", isAdmin: false, CancellationToken.None);
        var record = await Scheduling.DispatcherHarness.InsertAsync(_store, user);
        var job = Job(EngineTestNodes.SaveTextGraph("some text")) with { JobId = record.Id, UserId = user.Id };
        await _worker.SubmitAsync(job, CancellationToken.None);
        var outcome = await _callbacks.OutcomeAsync(job.JobId);

        outcome.Result.ShouldBe(WorkerJobResult.Succeeded, outcome.ErrorMessage);
        var file = outcome.Files.ShouldHaveSingleItem();
        file.Type.ShouldBe("output");
        file.ContentType.ShouldBe("text/plain");
        file.Size.ShouldBe(9);
        var stored = await _store.FindFileAsync(job.UserId, "output", "", file.Filename, CancellationToken.None);
        stored!.JobId.ShouldBe(job.JobId);
        File.ReadAllText(new ContentStore(_data.Path).PathOf(stored.Sha256)).ShouldBe("some text");
        // Written into the user's own folder of the worker's output: another user's counters never see it.
        Directory.GetFiles(Path.Combine(_data.Path, "workers", "embedded-1", "output", $"user-{user.Id}")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Previews_go_out_as_binary_frames_with_metadata()
    {
        var job = Job(EngineTestNodes.PreviewGraph);
        await _worker.SubmitAsync(job, CancellationToken.None);
        var reports = await _callbacks.UntilDoneAsync(job.JobId);

        var frame = reports.Single(r => r.Kind == "binary").Message!.Frame.ToArray();
        BinaryPrimitives.ReadUInt32BigEndian(frame).ShouldBe(4u);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(4));
        using var metadata = JsonDocument.Parse(frame.AsMemory(8, length));
        metadata.RootElement.GetProperty("node_id").GetString().ShouldBe("1");
        metadata.RootElement.GetProperty("prompt_id").GetString().ShouldBe(job.JobId.ToString("D"));
        metadata.RootElement.GetProperty("image_type").GetString().ShouldBe("image/png");
        frame.AsSpan(8 + length).ToArray().ShouldBe(PreviewNode.Png);
    }

    [Fact]
    public async Task A_draining_worker_takes_nothing_new()
    {
        _worker.Drain();
        _worker.State.ShouldBe(WorkerState.Draining);
        _callbacks.WorkerChanges.ShouldBe(2);
        await Should.ThrowAsync<WorkerUnavailableException>(() => _worker.SubmitAsync(Job(Primitives), CancellationToken.None));
    }

    private WorkerJob Job(string prompt) => new()
    {
        JobId = Guid.NewGuid(),
        UserId = 42,
        PromptJson = Encoding.UTF8.GetBytes(prompt),
        OutputsToExecute = [],
        InputDirectory = Path.Combine(_data.Path, "input", "42"),
    };
}
