using Gantry.Engine;
using Gantry.Engine.FileSystem;
using Gantry.Tests.Assets;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Gantry.Tests.Api.Cloud.Conformance;

/// <summary>
/// The server the conformance tests drive: a real Gantry on one store with a fleet whose catalog is the built-in
/// engine's full node set and whose model lists have a checkpoint folder (a scripted worker that is draining, so jobs
/// stay where the tests put them, moved with <see cref="JobDriver"/>), downloads allowed from a local file server that
/// stands in for a model host; small bounds on JSON bodies and waiting jobs, so one past each is cheap to show.
/// </summary>
public abstract class ConformanceFixture(StoreKind kind) : IAsyncLifetime, IServerFixture
{
    public const string Checkpoint = "sdxl.safetensors";

    /// <summary>The JSON body bound here (small, so one past it is cheap to send).</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Jobs one user may have waiting here (more than any test but the one that fills it needs).</summary>
    public const int MaxQueued = 12;

    private readonly TempDirectory _engineFolder = new("conformance-engine");
    private GantryTestServer? _server;
    private RemoteFileServer? _remote;

    public StoreKind Kind { get; } = kind;

    public string? SkipReason { get; private set; }

    public GantryTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    internal RemoteFileServer Remote => _remote ?? throw new InvalidOperationException("The file server has not started.");

    public async ValueTask InitializeAsync()
    {
        SkipReason = Kind == StoreKind.Postgres ? PostgresTestDatabase.SkipReason : null;
        if (SkipReason is not null)
        {
            return;
        }

        var nodes = ComfyEngine.CreateDefault(EngineFolders.Under(_engineFolder.Path)).DescribeNodes();
        var models = new Dictionary<string, IReadOnlyList<string>> { ["checkpoints"] = [Checkpoint, "flux.safetensors"] };
        var workers = new ScriptedWorkerFactory();
        workers.Add(new ScriptedWorker("gpu", new WorkerCapabilities(nodes, models), initialState: WorkerState.Draining));
        _remote = await RemoteFileServer.StartAsync(AssetApiClient.RandomBytes(4_000));
        _server = await GantryTestServer.StartAsync(
            Kind,
            new Dictionary<string, string>
            {
                ["Gantry:Workers:ComfyUi:0:Name"] = "gpu",
                ["Gantry:Workers:ComfyUi:0:Url"] = "http://gpu.test",
                ["Gantry:Assets:AllowPrivateAddresses"] = "true",
                ["Gantry:Assets:MaxDownloadBytes"] = "1000000",
                ["Gantry:Api:MaxRequestBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Gantry:Limits:MaxQueuedPerUser"] = MaxQueued.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            builder => builder.Services.AddSingleton<IComfyUiWorkerFactory>(workers));
        await FleetCatalogs.HasClassAsync(_server, "SaveImage");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_remote is not null)
        {
            await _remote.DisposeAsync();
        }

        _engineFolder.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteConformanceFixture() : ConformanceFixture(StoreKind.Sqlite);

public sealed class PostgresConformanceFixture() : ConformanceFixture(StoreKind.Postgres);
