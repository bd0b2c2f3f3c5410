using System.Net;
using System.Net.Sockets;
using Gantry.Engine.Json;
using Gantry.Tests.FakeComfyUi;
using Gantry.Workers;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>Probing, catalog, the WebSocket's life: coming online, slow starts, drops, garbage, auth, draining.</summary>
public sealed class ComfyUiWorkerConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Comes_online_with_the_node_catalog_model_lists_and_version()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var worker = harness.Worker;

        worker.State.ShouldBe(WorkerState.Online);
        worker.Kind.ShouldBe("comfyui");
        worker.LastError.ShouldBeNull();
        worker.ComfyUiVersion.ShouldBe("0.33.1");
        worker.FeaturesJson.ShouldNotBeNull().ShouldContain("supports_preview_metadata");
        var capabilities = worker.Capabilities.ShouldNotBeNull();
        capabilities.Nodes.Contains("SaveImage").ShouldBeTrue();
        capabilities.Nodes.Find("SaveImage")!.OutputNode.ShouldBeTrue();
        var checkpoint = capabilities.Nodes.Find("CheckpointLoaderSimple")!.FindInput("ckpt_name")!;
        checkpoint.IsCombo.ShouldBeTrue();
        checkpoint.ComboValues.ShouldBe(JArray.OfStrings(["sd15.safetensors", "sdxl.safetensors"]));
        var seedMax = capabilities.Nodes.Find("KSampler")!.FindInput("seed")!.Options["max"];
        seedMax.ShouldBe(new JInt(FakeCatalog.MaxSeed));
        capabilities.Models["checkpoints"].ShouldBe(["sd15.safetensors", "sdxl.safetensors"]);
        capabilities.Models["loras"].ShouldBeEmpty();

        // Starting → Online is the first change, and the socket is the one client id the worker uses.
        harness.Callbacks.Calls.OfType<RecordingCallbacks.WorkerChanged>().First().State.ShouldBe(WorkerState.Online);
        harness.Fake.SocketConnections.ShouldBe([worker.ClientId]);
        harness.Fake.Requests.ShouldContain("GET /ws");
        harness.Fake.ClientTexts.ShouldBeEmpty("no feature_flags: previews must stay type 1 for every client");
        worker.Slots.ShouldBe(2);
    }

    [Fact]
    public async Task An_old_build_without_models_and_features_routes_still_comes_online()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(fake => fake.OldBuild = true);

        harness.Worker.Capabilities.ShouldNotBeNull().Models.ShouldBeEmpty();
        harness.Worker.Capabilities!.Nodes.Contains("KSampler").ShouldBeTrue();
        harness.Worker.FeaturesJson.ShouldBeNull();
    }

    [Fact]
    public async Task A_slow_start_shows_offline_then_online_once_the_probe_succeeds()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(fake => fake.FailSystemStats = 3);

        var changes = harness.Callbacks.Calls.OfType<RecordingCallbacks.WorkerChanged>().ToList();
        changes[0].State.ShouldBe(WorkerState.Offline);
        changes[0].LastError.ShouldNotBeNull().ShouldContain("503");
        changes[^1].State.ShouldBe(WorkerState.Online);
        changes[^1].LastError.ShouldBeNull();
        harness.Fake.Requests.Count(r => r == "GET /system_stats").ShouldBe(4);
    }

    [Fact]
    public async Task The_auth_header_goes_with_every_request_and_the_socket_upgrade()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(
            fake => fake.RequiredHeader = ("X-Worker-Key", "s3cret"), authHeader: "X-Worker-Key: s3cret");

        harness.Worker.State.ShouldBe(WorkerState.Online);
        var finished = await harness.RunAsync(harness.Job());
        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        finished.Outcome.Files.ShouldHaveSingleItem();

        // Without it the worker never gets past the probe.
        var refused = await harness.StartWorkerAsync(harness.Fake.BaseAddress.ToString(), name: "no-key");
        var offline = await harness.Callbacks.StateAsync(WorkerState.Offline);
        offline.LastError.ShouldNotBeNull().ShouldContain("401");
        refused.Capabilities.ShouldBeNull();
    }

    [Fact]
    public async Task An_unreachable_worker_is_offline_and_refuses_jobs_as_unavailable()
    {
        var port = FreePort();
        await using var harness = await ComfyUiWorkerHarness.StartAsync(waitOnline: false);
        var worker = await harness.StartWorkerAsync($"http://127.0.0.1:{port}", name: "nowhere");

        var offline = await harness.Callbacks.StateAsync(WorkerState.Offline);
        offline.LastError.ShouldNotBeNull().ShouldContain("refused", Case.Insensitive);
        worker.Url.ShouldBe($"http://127.0.0.1:{port}");
        var error = await Should.ThrowAsync<WorkerUnavailableException>(() => worker.SubmitAsync(harness.Job(), Ct));
        error.Message.ShouldContain("nowhere");
    }

    [Fact]
    public async Task A_dropped_socket_is_reconnected_under_the_same_client_id()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var online = await harness.Callbacks.StateAsync(WorkerState.Online);

        harness.Fake.DropSockets();
        var offline = await harness.Callbacks.StateAsync(WorkerState.Offline, after: online.Sequence);
        await harness.Callbacks.StateAsync(WorkerState.Online, after: offline.Sequence);

        harness.Fake.SocketConnections.Count.ShouldBeGreaterThanOrEqualTo(2);
        harness.Fake.SocketConnections.Distinct().ShouldBe([harness.Worker.ClientId]);
        (await harness.RunAsync(harness.Job())).Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
    }

    [Fact]
    public async Task Reconnects_keep_backing_off_while_the_socket_is_refused_and_recover_when_it_is_back()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        harness.Fake.RefuseSockets = true;
        harness.Fake.DropSockets();

        var offline = await harness.Callbacks.StateAsync(WorkerState.Offline);
        offline.LastError.ShouldNotBeNull().ShouldContain("WebSocket");
        await harness.Fake.WaitForRequestAsync("GET /ws", count: 4).WaitAsync(Infrastructure.TestTimeouts.Default, Ct);
        harness.Worker.State.ShouldBe(WorkerState.Offline);

        harness.Fake.RefuseSockets = false;
        await harness.Callbacks.StateAsync(WorkerState.Online, after: offline.Sequence);
    }

    [Fact]
    public async Task Garbage_frames_do_not_break_the_socket_loop()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();
        var job = harness.Job();
        harness.Fake.ScriptFor(job.JobId, async run =>
        {
            await run.SendRawTextAsync("this is not json");
            await run.SendRawTextAsync("{\"type\": 12, \"data\": []}");
            await run.SendRawTextAsync("[1, 2, 3]");
            await run.SendRawTextAsync("{\"data\": {\"prompt_id\": \"x\"}}");
            await run.SendRawTextAsync("{\"type\": \"progress\", \"data\": \"oops\"}");
            await run.SendRawBinaryAsync([0, 0]);
            await run.SendRawBinaryAsync([0, 0, 0, 9, 1, 2, 3]);
            await FakeScripts.Normal(run);
        });
        await harness.Fake.SendRawTextToAllAsync("{\"type\": \"status\", \"data\": {\"status\": NaN}}");

        var finished = await harness.RunAsync(job);

        finished.Outcome.Result.ShouldBe(WorkerJobResult.Succeeded);
        harness.Callbacks.Calls.OfType<RecordingCallbacks.WorkerChanged>().ShouldAllBe(c => c.State == WorkerState.Online);
        harness.Callbacks.MessagesFor(job.JobId).ShouldAllBe(m => !m.IsBinary);
    }

    [Fact]
    public async Task The_catalog_is_read_again_and_a_change_is_reported()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(configure: options => options.CatalogRefreshInterval = TimeSpan.FromMilliseconds(50));

        harness.Fake.Models["checkpoints"] = ["sd15.safetensors", "sdxl.safetensors", "flux.safetensors"];

        var changed = await harness.Callbacks.WaitForAsync<RecordingCallbacks.WorkerChanged>(
            c => c.Capabilities?.Models["checkpoints"].Contains("flux.safetensors") == true);
        changed.State.ShouldBe(WorkerState.Online);
        harness.Worker.Capabilities!.Nodes.Find("CheckpointLoaderSimple")!.FindInput("ckpt_name")!.ComboValues
            .ShouldBe(JArray.OfStrings(["sd15.safetensors", "sdxl.safetensors", "flux.safetensors"]));
    }

    [Fact]
    public async Task A_draining_worker_takes_no_new_jobs()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync();

        harness.Worker.Drain();

        harness.Worker.State.ShouldBe(WorkerState.Draining);
        (await harness.Callbacks.StateAsync(WorkerState.Draining)).State.ShouldBe(WorkerState.Draining);
        var error = await Should.ThrowAsync<WorkerUnavailableException>(() => harness.Worker.SubmitAsync(harness.Job(), Ct));
        error.Message.ShouldContain("draining");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
