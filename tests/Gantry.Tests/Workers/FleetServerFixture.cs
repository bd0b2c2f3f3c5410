using Gantry.Engine.Catalog;
using Gantry.Engine.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Gantry.Tests.Workers;

/// <summary>
/// A server with one embedded worker and one scripted ComfyUI worker "gpu" (from settings, built by a test factory)
/// that has a sampler, checkpoints and embeddings: a fleet whose catalog and model lists are worth looking at.
/// </summary>
public sealed class FleetServerFixture : IAsyncLifetime
{
    private GantryTestServer? _server;

    public GantryTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    internal ScriptedWorkerFactory Workers { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var catalog = NodeInfoSet.FromObjectInfo(JParser.Parse("""
            {"KSampler": {"input": {"required": {"seed": ["INT", {"default": 0}]}}, "output": ["LATENT"], "name": "KSampler", "category": "sampling"},
             "CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["sdxl.safetensors", "flux.safetensors"], {}]}}, "output": ["MODEL"], "name": "CheckpointLoaderSimple"},
             "LoadImage": {"input": {"required": {"image": [["on-the-gpu.png"], {"image_upload": true}]}}, "output": ["IMAGE", "MASK"], "name": "LoadImage", "category": "image"}}
            """));
        var models = new Dictionary<string, IReadOnlyList<string>>
        {
            ["checkpoints"] = ["sdxl.safetensors", "flux.safetensors"],
            ["embeddings"] = ["easynegative.safetensors", "sub/style.pt"],
        };
        Workers.Add(new ScriptedWorker("gpu", new WorkerCapabilities(catalog, models), slots: 2));
        _server = await GantryTestServer.StartAsync(
            StoreKind.Sqlite,
            new Dictionary<string, string>
            {
                ["Gantry:Workers:Embedded"] = "1",
                ["Gantry:Workers:ComfyUi:0:Name"] = "gpu",
                ["Gantry:Workers:ComfyUi:0:Url"] = "http://gpu.test",
            },
            builder => builder.Services.AddSingleton<IComfyUiWorkerFactory>(Workers));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
