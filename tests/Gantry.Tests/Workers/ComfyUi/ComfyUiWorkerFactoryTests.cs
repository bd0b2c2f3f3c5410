using Gantry.Domain;
using Gantry.Outputs;
using Gantry.Store;
using Gantry.Tests.Infrastructure;
using Gantry.Workers;
using Gantry.Workers.ComfyUi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>The factory the pool uses, as registered by <c>AddComfyUiWorkers</c> with its settings bound.</summary>
public sealed class ComfyUiWorkerFactoryTests
{
    [Fact]
    public async Task The_registered_factory_builds_workers_from_registrations_with_the_bound_settings()
    {
        using var data = new TempDirectory();
        await using var store = GantryStoreFactory.Create(null, data.Path);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gantry:ComfyUi:Prefetch"] = "3", ["Gantry:ComfyUi:PollInterval"] = "00:00:05" })
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new ContentStore(data.Path))
            .AddSingleton<IFileIndex>(store)
            .AddSingleton<OutputImporter>()
            .AddComfyUiWorkers();
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IComfyUiWorkerFactory>();

        await using var worker = factory.Create(new WorkerRegistration
        {
            Name = "gpu-7",
            Url = "http://10.0.0.7:8188",
            AuthHeader = "X-Key: k",
            Draining = true,
            CreatedAtMs = 1,
        });

        var comfy = worker.ShouldBeOfType<ComfyUiWorker>();
        comfy.Name.ShouldBe("gpu-7");
        comfy.Kind.ShouldBe("comfyui");
        comfy.Url.ShouldBe("http://10.0.0.7:8188");
        comfy.Slots.ShouldBe(4);
        comfy.State.ShouldBe(WorkerState.Starting);
        comfy.Capabilities.ShouldBeNull();
        comfy.ClientId.ShouldMatch("^[0-9a-f]{32}$");
        Should.Throw<ArgumentException>(() => factory.Create(new WorkerRegistration { Name = "x", Url = "ftp://host", CreatedAtMs = 1 }));
        Should.Throw<FormatException>(() => factory.Create(new WorkerRegistration { Name = "x", Url = "http://host", AuthHeader = "nocolon", CreatedAtMs = 1 }));
    }

    [Fact]
    public async Task A_worker_registered_as_draining_comes_up_draining()
    {
        await using var harness = await ComfyUiWorkerHarness.StartAsync(waitOnline: false);
        var worker = new ComfyUiWorker(
            new WorkerRegistration { Name = "drained", Url = harness.Fake.BaseAddress.ToString(), Draining = true, CreatedAtMs = 1 },
            ComfyUiWorkerHarness.FastOptions(), harness.Importer, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ComfyUiWorker>.Instance);
        await using (worker)
        {
            var callbacks = new RecordingCallbacks();
            await worker.StartAsync(callbacks, TestContext.Current.CancellationToken);

            (await callbacks.StateAsync(WorkerState.Draining)).Capabilities.ShouldNotBeNull();
            callbacks.Calls.OfType<RecordingCallbacks.WorkerChanged>().ShouldNotContain(c => c.State == WorkerState.Online);
        }
    }
}
