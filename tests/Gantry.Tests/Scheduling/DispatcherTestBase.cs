using Gantry.Scheduling;
using Gantry.Store;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Scheduling;

/// <summary>A data folder and SQLite store per test; <see cref="StartAsync"/> starts a dispatcher over them.</summary>
public abstract class DispatcherTestBase : IAsyncLifetime
{
    private readonly TempDirectory _data = new("gantry-dispatch");
    private DispatcherHarness? _harness;

    internal IGantryStore Store { get; private set; } = null!;

    internal DispatcherHarness Harness => _harness ?? throw new InvalidOperationException("Call StartAsync first.");

    public async ValueTask InitializeAsync() => Store = await DispatcherHarness.OpenStoreAsync(_data.Path);

    internal async Task<DispatcherHarness> StartAsync(IReadOnlyList<ScriptedWorker> workers, Action<SchedulerOptions>? configure = null)
    {
        _harness = await DispatcherHarness.StartAsync(_data.Path, Store, workers, configure);
        return _harness;
    }

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        await Store.DisposeAsync();
        _data.Dispose();
        GC.SuppressFinalize(this);
    }
}
