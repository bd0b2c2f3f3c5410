using System.Text;
using System.Text.Json;
using Gantry.Engine.Json;
using Gantry.Tests.FakeComfyUi;
using Gantry.Workers;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>Submitting: the POST body, input uploads, rejection, events forwarded in order, outputs stored.</summary>
public sealed class ComfyUiWorkerSubmitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_normal_run_forwards_every_event_in_order_then_reports_outputs_stored_by_content()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();

        var finished = await harness.RunAsync(job);

        var calls = harness.Callbacks.CallsFor(job.JobId);
        calls[0].ShouldBeOfType<RecordingCallbacks.JobStarted>();
        var messages = calls.OfType<RecordingCallbacks.JobMessage>().ToList();
        var types = messages.Select(m => m.Type).ToList();
        types[..2].ShouldBe(["execution_start", "execution_cached"]);
        types.ShouldContain("progress_state");
        types.Count(t => t == "progress").ShouldBe(3);
        types.Count(t => t == "executing").ShouldBe(8, "seven nodes, then the final node:null");
        types.ShouldContain("executed");
        types.IndexOf("execution_success").ShouldBeGreaterThan(types.IndexOf("executed"));
        messages.ShouldAllBe(m => m.Data.GetProperty("prompt_id").GetString() == job.JobId.ToString("D"));

        // The final executing {node: null} comes after the outcome was handed over, as ComfyUI sends it after its history write.
        calls[^1].ShouldBeOfType<RecordingCallbacks.JobMessage>().Type.ShouldBe("executing");
        messages[^1].Data.GetProperty("node").ValueKind.ShouldBe(JsonValueKind.Null);
        calls[^2].ShouldBeOfType<RecordingCallbacks.JobFinished>();

        var outcome = finished.Outcome;
        outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        outcome.ErrorMessage.ShouldBeNull();
        outcome.ExecutionErrorJson.ShouldBeNull();
        var file = outcome.Files.ShouldHaveSingleItem();
        file.Type.ShouldBe("output");
        file.Filename.ShouldMatch(@"^ComfyUI_\d{5}_\.png$");
        file.ContentType.ShouldBe("image/png");
        var served = harness.Fake.GetFile("output", "", file.Filename).ShouldNotBeNull();
        file.Size.ShouldBe(served.Length);
        harness.Blobs.Contains(file.Sha256).ShouldBeTrue();
        (await File.ReadAllBytesAsync(harness.Blobs.PathOf(file.Sha256), Ct)).ShouldBe(served);
        var indexed = await harness.Store.FindFileAsync(harness.UserId, "output", "", file.Filename, Ct);
        indexed.ShouldNotBeNull().JobId.ShouldBe(job.JobId);

        using var outputs = JsonDocument.Parse(outcome.OutputsJson);
        outputs.RootElement.GetProperty("9").GetProperty("images")[0].GetProperty("filename").GetString().ShouldBe(file.Filename);
        using var status = JsonDocument.Parse(outcome.StatusJson);
        status.RootElement.GetProperty("status_str").GetString().ShouldBe("success");
        status.RootElement.GetProperty("completed").GetBoolean().ShouldBeTrue();
        var statusMessages = status.RootElement.GetProperty("messages").EnumerateArray().Select(m => m[0].GetString()).ToList();
        statusMessages.ShouldBe(["execution_start", "execution_cached", "execution_success"]);
        outcome.ExecutionStartMs.ShouldBe(status.RootElement.GetProperty("messages")[0][1].GetProperty("timestamp").GetInt64());
        outcome.ExecutionEndMs.ShouldBe(status.RootElement.GetProperty("messages")[2][1].GetProperty("timestamp").GetInt64());
        using var meta = JsonDocument.Parse(outcome.MetaJson);
        meta.RootElement.GetProperty("9").GetProperty("display_node").GetString().ShouldBe("9");
        harness.Worker.HeldJobs.ShouldBe(0);
    }

    [Fact]
    public async Task The_prompt_goes_byte_for_byte_with_our_prompt_id_client_id_and_extra_data()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job(extraDataJson: """{"extra_pnginfo": {"workflow": {"id": "wf-1"}}, "api_key_comfy_org": "k"}""");

        await harness.RunAsync(job);

        var prompt = harness.Fake.Prompts.ShouldHaveSingleItem();
        prompt.Id.ShouldBe(job.JobId.ToString("D"));
        prompt.ClientId.ShouldBe(harness.Worker.ClientId);
        Encoding.UTF8.GetString(prompt.RawBody).ShouldContain(ComfyUiWorkerHarness.TextToImage.Trim());
        prompt.ExtraData["extra_pnginfo"].ShouldBe(JParser.Parse("""{"workflow": {"id": "wf-1"}}"""));
        prompt.ExtraData["api_key_comfy_org"]!.AsString.ShouldBe("k");
        ((JInt)((JObject)((JObject)prompt.Prompt["3"]!)["inputs"]!)["seed"]!).Value.ShouldBe(FakeCatalog.MaxSeed);
    }

    [Fact]
    public async Task Input_files_the_graph_names_are_uploaded_before_the_prompt()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var cat = FakePng.Distinct("cat");
        var dog = FakePng.Distinct("dog");
        await File.WriteAllBytesAsync(Path.Combine(harness.InputDirectory, "cat.png"), cat, Ct);
        Directory.CreateDirectory(Path.Combine(harness.InputDirectory, "pets"));
        await File.WriteAllBytesAsync(Path.Combine(harness.InputDirectory, "pets", "dog.png"), dog, Ct);
        await File.WriteAllBytesAsync(Path.Combine(harness.Data.Path, "secret.png"), FakePng.Bytes, Ct);
        var job = harness.Job("""
            {"1": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
             "2": {"class_type": "LoadImage", "inputs": {"image": "pets/dog.png [input]"}},
             "3": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "out"}},
             "4": {"class_type": "PreviewImage", "inputs": {"images": ["2", 0]}},
             "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "../secret.png", "clip": ["1", 0]}},
             "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "cat.png [output]", "clip": ["1", 0]}},
             "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "cat.png", "clip": ["1", 0]}}}
            """);

        var finished = await harness.RunAsync(job);

        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        harness.Fake.GetFile("input", "", "cat.png").ShouldBe(cat);
        harness.Fake.GetFile("input", "pets", "dog.png").ShouldBe(dog);
        harness.Fake.GetFile("input", "", "secret.png").ShouldBeNull();
        var requests = harness.Fake.Requests.ToList();
        requests.Count(r => r == "POST /upload/image").ShouldBe(2);
        requests.LastIndexOf("POST /upload/image").ShouldBeLessThan(requests.IndexOf("POST /prompt"));
        finished.Outcome.Files.Select(f => f.Type).Order().ShouldBe(["output", "temp"]);
    }

    [Fact]
    public async Task A_prompt_the_worker_refuses_is_rejected_with_its_error_body()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job("""{"1": {"class_type": "NoSuchNode", "inputs": {}}}""");

        var error = await Should.ThrowAsync<WorkerRejectedJobException>(() => harness.Worker.SubmitAsync(job, Ct));

        error.Message.ShouldContain("not found");
        using var body = JsonDocument.Parse(error.ErrorBodyJson.ShouldNotBeNull());
        body.RootElement.GetProperty("error").GetProperty("type").GetString().ShouldBe("missing_node_type");
        harness.Worker.HeldJobs.ShouldBe(0);
        harness.Callbacks.CallsFor(job.JobId).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_200_with_node_errors_is_accepted_and_runs_the_outputs_that_passed()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job("""
            {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "missing.safetensors"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "bad"}},
             "3": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
             "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "good"}}}
            """);

        var finished = await harness.RunAsync(job);

        harness.Fake.Prompts.ShouldHaveSingleItem().Outputs.ShouldBe(["4"]);
        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
    }

    [Fact]
    public async Task A_cached_prompt_that_ends_before_the_POST_answers_is_still_reported_whole()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(fake => fake.EndRunsBeforeAnswering = true);
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, FakeScripts.Cached);

        var finished = await harness.RunAsync(job);

        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        finished.Outcome.Files.ShouldHaveSingleItem().Filename.ShouldBe("ComfyUI_cached_9_.png");
        var calls = harness.Callbacks.CallsFor(job.JobId);
        calls[0].ShouldBeOfType<RecordingCallbacks.JobStarted>();
        calls.OfType<RecordingCallbacks.JobMessage>().Select(m => m.Type)
            .ShouldBe(["execution_start", "execution_cached", "executed", "execution_success", "executing"]);
    }

    [Fact]
    public async Task Previews_reconnect_replays_null_outputs_and_unknown_events_reach_the_job_as_sent()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();
        var preview = FakePng.Distinct("preview");
        harness.Fake.ScriptFor(job.JobId, async run =>
        {
            await run.ExecuteNodeAsync("3", steps: 1);
            await run.SendPreviewAsync(preview);
            await run.SendAsync("my.custom_event", new JObjectBuilder { ["prompt_id"] = run.PromptId, ["value"] = 42 }.Build());
            await run.ExecutedAsync("8", null);
            await run.HoldAsync();
            await run.SaveImageAsync("9", "final.png");
        });
        await harness.Worker.SubmitAsync(job, Ct);
        var run = await harness.Fake.WaitForRunAsync(job.JobId);
        await run.Holding.WaitAsync(Infrastructure.TestTimeouts.Default, Ct);
        var binary = await harness.Callbacks.WaitForAsync<RecordingCallbacks.JobMessage>(m => m.JobId == job.JobId && m.IsBinary);
        binary.Message.Frame.ToArray().ShouldBe([0, 0, 0, 1, 0, 0, 0, 2, .. preview]);

        var online = await harness.Callbacks.StateAsync(WorkerState.Online);
        harness.Fake.DropSockets();
        var back = await harness.Callbacks.StateAsync(WorkerState.Online, after: online.Sequence);

        // ComfyUI replays {"node": "3"} without prompt_id to a reconnecting client: it is attributed to the running job.
        var replay = await harness.Callbacks.MessageAsync(job.JobId, "executing", m => m.Sequence > back.Sequence);
        replay.Data.GetProperty("node").GetString().ShouldBe("3");
        replay.Data.GetProperty("prompt_id").GetString().ShouldBe(job.JobId.ToString("D"));
        run.Release();
        var finished = await harness.Callbacks.FinishedAsync(job.JobId);

        finished.Outcome.Files.ShouldHaveSingleItem().Filename.ShouldBe("final.png");
        var custom = harness.Callbacks.MessagesFor(job.JobId).Single(m => m.Type == "my.custom_event");
        custom.Data.GetProperty("value").GetInt32().ShouldBe(42);
        var executedNull = harness.Callbacks.MessagesFor(job.JobId).First(m => m.Type == "executed");
        executedNull.Data.GetProperty("output").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Events_about_other_prompts_are_not_forwarded()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();
        var stranger = Guid.NewGuid().ToString("D");
        harness.Fake.ScriptFor(job.JobId, async run =>
        {
            await run.SendAsync("progress", new JObjectBuilder { ["value"] = 1, ["max"] = 2, ["prompt_id"] = stranger, ["node"] = "1" }.Build());
            await FakeScripts.Normal(run);
        });

        await harness.RunAsync(job);

        harness.Callbacks.Calls.OfType<RecordingCallbacks.JobMessage>().ShouldAllBe(m => m.JobId == job.JobId);
        harness.Callbacks.MessagesFor(job.JobId).ShouldAllBe(m => !m.Text.Contains(stranger));
    }
}
