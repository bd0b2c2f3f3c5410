using Gantry.Domain;
using Gantry.Engine.Catalog;
using Gantry.Outputs;
using Gantry.Store;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers.Embedded;
using Gantry.Workers;
using Gantry.Workers.Embedded;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gantry.Tests.Workers;

/// <summary>The pool: workers from settings and from the registry, what it lists, and the fleet's catalog.</summary>
public sealed class WorkerPoolTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("gantry-pool");
    private readonly RecordingCallbacks _callbacks = new();
    private readonly ListLogger _log = new();
    private IGantryStore _store = null!;
    private WorkerPool? _pool;

    public async ValueTask InitializeAsync()
    {
        _store = GantryStoreFactory.Create(null, _data.Path);
        await _store.InitializeAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_pool is not null)
        {
            await _pool.DisposeAsync();
        }

        await _store.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Embedded_workers_from_settings_start_online_with_the_engines_catalog()
    {
        var pool = await StartAsync(new WorkerPoolOptions { Embedded = 2 }, prefetch: 2);
        pool.Workers.Select(w => (w.Name, w.Kind, w.State, w.Slots, w.HasCatalog, w.Running)).ShouldBe([
            ("embedded-1", "embedded", WorkerState.Online, 3, true, 7),
            ("embedded-2", "embedded", WorkerState.Online, 3, true, 7),
        ]);
        pool.Nodes!.Contains("PrimitiveInt").ShouldBeTrue();
        pool.Models.ShouldBeEmpty();
        pool.Catalog.ObjectInfoJson.ShouldBeSameAs(pool.Catalog.ObjectInfoJson);
    }

    [Fact]
    public async Task Without_workers_there_is_no_catalog()
    {
        var pool = await StartAsync(new WorkerPoolOptions { Embedded = 0 });
        pool.Workers.ShouldBeEmpty();
        pool.Nodes.ShouldBeNull();
        "{}"u8.ToArray().ShouldBe(pool.Catalog.ObjectInfoJson);
    }

    [Fact]
    public async Task ComfyUI_workers_come_from_settings_and_the_registry_through_the_factory()
    {
        var factory = new ScriptedWorkerFactory();
        await _store.SaveWorkerAsync(new WorkerRegistration { Name = "kept", Url = "http://kept.test", Draining = true, CreatedAtMs = 1 }, CancellationToken.None);
        await _store.SaveWorkerAsync(new WorkerRegistration { Name = "embedded-1", Url = "http://clash.test", CreatedAtMs = 1 }, CancellationToken.None);
        var pool = await StartAsync(new WorkerPoolOptions { Embedded = 1, ComfyUi = [new ComfyUiWorkerSettings { Name = "gpu", Url = "http://gpu.test" }] }, factory);

        pool.Workers.Select(w => (w.Name, w.State)).ShouldBe([("embedded-1", WorkerState.Online), ("gpu", WorkerState.Online), ("kept", WorkerState.Draining)]);
        pool.OriginOf("gpu").ShouldBe(WorkerOrigin.Settings);
        pool.OriginOf("kept").ShouldBe(WorkerOrigin.Registry);
        _log.Warnings.ShouldContain(w => w.Contains("embedded-1 is skipped", StringComparison.Ordinal));
        factory["gpu"].Url.ShouldBe("http://gpu.test");
    }

    [Fact]
    public async Task An_offline_workers_last_catalog_still_counts()
    {
        var factory = new ScriptedWorkerFactory();
        var gpu = factory.Add(new ScriptedWorker("gpu", SchedulingCatalogs.Capabilities(["KSampler"], "sdxl.safetensors")));
        var pool = await StartAsync(new WorkerPoolOptions { Embedded = 1, ComfyUi = [new ComfyUiWorkerSettings { Name = "gpu", Url = "http://gpu.test" }] }, factory);
        pool.Nodes!.Contains("KSampler").ShouldBeTrue();
        pool.Nodes.Contains("PrimitiveInt").ShouldBeTrue();

        gpu.Capabilities = null;
        gpu.SetState(WorkerState.Offline);
        pool.Nodes!.Contains("KSampler").ShouldBeTrue();
        pool.Describe("gpu")!.HasCatalog.ShouldBeTrue();
        pool.Describe("gpu")!.State.ShouldBe(WorkerState.Offline);
    }

    [Fact]
    public async Task A_bad_registration_is_listed_with_the_factorys_complaint()
    {
        var pool = await StartAsync(new WorkerPoolOptions { Embedded = 0, ComfyUi = [new ComfyUiWorkerSettings { Name = "bad", Url = "nope" }] }, new RefusingFactory());
        var bad = pool.Describe("bad")!;
        bad.State.ShouldBe(WorkerState.Offline);
        bad.LastError.ShouldBe("not a URL");
    }

    [Fact]
    public async Task Workers_can_be_drained_and_detached()
    {
        var factory = new ScriptedWorkerFactory();
        var pool = await StartAsync(new WorkerPoolOptions { Embedded = 0 }, factory);
        var changes = 0;
        pool.Changed += () => changes++;
        await pool.AddAsync(new WorkerRegistration { Name = "w", Url = "http://w.test", CreatedAtMs = 1 }, CancellationToken.None);
        await Should.ThrowAsync<InvalidOperationException>(() => pool.AddAsync(new WorkerRegistration { Name = "w", Url = "http://w.test", CreatedAtMs = 1 }, CancellationToken.None));
        pool.Nodes.ShouldNotBeNull();

        pool.Drain("w").ShouldBeTrue();
        pool.Describe("w")!.State.ShouldBe(WorkerState.Draining);
        pool.Drain("nobody").ShouldBeFalse();

        pool.Detach("w", out var detached).ShouldBeTrue();
        detached.ShouldBeSameAs(factory["w"]);
        pool.Workers.ShouldBeEmpty();
        pool.Nodes.ShouldBeNull();
        pool.Detach("w", out _).ShouldBeFalse();
        changes.ShouldBeGreaterThanOrEqualTo(3);
    }

    private async Task<WorkerPool> StartAsync(WorkerPoolOptions workers, IComfyUiWorkerFactory? factory = null, int prefetch = 1)
    {
        var data = Options.Create(new DataOptions { DataDirectory = _data.Path });
        var importer = new OutputImporter(new ContentStore(_data.Path), _store, TimeProvider.System);
        var embedded = new EmbeddedWorkerFactory(
            NodeCatalog.CreateDefault(), data, Options.Create(workers), Options.Create(new PrefetchOptions { Prefetch = prefetch }), importer, TimeProvider.System, NullLoggerFactory.Instance, Options.Create(new EngineSettings()));
        _pool = new WorkerPool(Options.Create(workers), _store, embedded, factory ?? new ScriptedWorkerFactory(), _log);
        await _pool.StartAsync(_callbacks, new FixedLoad(7), CancellationToken.None);
        return _pool;
    }

    private sealed class FixedLoad(int jobs) : IWorkerLoad
    {
        public int JobsOn(string worker) => jobs;
    }

    private sealed class RefusingFactory : IComfyUiWorkerFactory
    {
        public IWorker Create(WorkerRegistration registration) => throw new ArgumentException("not a URL");
    }

    /// <summary>Keeps the pool's log lines so a test can see a warning was written.</summary>
    private sealed class ListLogger : ILogger<WorkerPool>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                lock (Warnings)
                {
                    Warnings.Add(formatter(state, exception));
                }
            }
        }
    }
}
