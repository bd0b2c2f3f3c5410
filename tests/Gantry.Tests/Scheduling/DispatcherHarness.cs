using System.Text;
using Gantry.Domain;
using Gantry.Engine.Catalog;
using Gantry.Events;
using Gantry.Jobs;
using Gantry.Outputs;
using Gantry.Scheduling;
using Gantry.Store;
using Gantry.Tests.Infrastructure;
using Gantry.Workers;
using Gantry.Workers.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gantry.Tests.Scheduling;

/// <summary>
/// A real dispatcher on a real SQLite store with a fake clock and scripted workers (given to the pool as ComfyUI
/// workers from settings, through a factory): what the dispatcher decides, checked through the store and the hub.
/// </summary>
internal sealed class DispatcherHarness : IAsyncDisposable
{
    public const string Prompt = """{"1": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}""";

    private DispatcherHarness(string dataDirectory, IGantryStore store, FakeTimeProvider clock, SchedulerOptions scheduler, ScriptedWorkerFactory workers, IReadOnlyList<ScriptedWorker> configured)
    {
        DataDirectory = dataDirectory;
        Store = store;
        Clock = clock;
        Workers = workers;
        var data = Options.Create(new DataOptions { DataDirectory = dataDirectory });
        var pool = Options.Create(new WorkerPoolOptions
        {
            Embedded = 0,
            ComfyUi = [.. configured.Select(w => new ComfyUiWorkerSettings { Name = w.Name, Url = w.Url! })],
        });
        var importer = new OutputImporter(new ContentStore(dataDirectory), store, clock);
        var embedded = new EmbeddedWorkerFactory(NodeCatalog.CreateDefault(), data, pool, Options.Create(new PrefetchOptions()), importer, clock, NullLoggerFactory.Instance, Options.Create(new EngineSettings()));
        Pool = new WorkerPool(pool, store, embedded, workers, NullLogger<WorkerPool>.Instance);
        Dispatcher = new Dispatcher(store, store, Pool, Signals, Hub, clock, Options.Create(scheduler), data, NullLogger<Dispatcher>.Instance);
        Fleet = new FleetAdmin(Pool, store, Dispatcher, clock);
    }

    public string DataDirectory { get; }

    public IGantryStore Store { get; }

    public FakeTimeProvider Clock { get; }

    public JobSignals Signals { get; } = new();

    public EventHub Hub { get; } = new();

    public ScriptedWorkerFactory Workers { get; }

    public WorkerPool Pool { get; }

    public Dispatcher Dispatcher { get; }

    public FleetAdmin Fleet { get; }

    public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public static async Task<IGantryStore> OpenStoreAsync(string dataDirectory)
    {
        var store = GantryStoreFactory.Create(null, dataDirectory);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    /// <summary>Starts a dispatcher over <paramref name="store"/> (opened on <paramref name="dataDirectory"/>) with the given workers.</summary>
    public static async Task<DispatcherHarness> StartAsync(
        string dataDirectory, IGantryStore store, IReadOnlyList<ScriptedWorker> workers, Action<SchedulerOptions>? configure = null)
    {
        var scheduler = new SchedulerOptions();
        configure?.Invoke(scheduler);
        var factory = new ScriptedWorkerFactory();
        foreach (var worker in workers)
        {
            factory.Add(worker);
        }

        var harness = new DispatcherHarness(dataDirectory, store, new FakeTimeProvider(DateTimeOffset.UtcNow), scheduler, factory, workers);
        await harness.Dispatcher.StartAsync(CancellationToken.None);
        await harness.Dispatcher.Ready.WaitAsync(TestTimeouts.Default);
        return harness;
    }

    public async Task<User> UserAsync(string? name = null, int? maxRunning = null, double? weight = null)
    {
        var user = await Store.CreateUserAsync(name ?? $"user-{Guid.NewGuid():N}", isAdmin: false, CancellationToken.None);
        return maxRunning is null && weight is null
            ? user
            : (await Store.UpdateUserLimitsAsync(user.Id, weight, maxRunning, null, CancellationToken.None))!;
    }

    /// <summary>Inserts a queued job and tells the dispatcher, as a submit does.</summary>
    public async Task<Guid> SubmitAsync(User user, string prompt = Prompt)
    {
        var record = await InsertAsync(Store, user, prompt);
        Signals.RaiseQueued(record);
        return record.Id;
    }

    public static Task<JobRecord> InsertAsync(IJobStore store, User user, string prompt = Prompt) => store.InsertJobAsync(
        new NewJob
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            CreatedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Payload = new JobPayload { PromptJson = Encoding.UTF8.GetBytes(prompt), OutputsToExecute = ["2"] },
        },
        CancellationToken.None);

    /// <summary>Waits until the job is in <paramref name="state"/> (checked on every committed change), and returns it.</summary>
    public Task<JobRecord> WaitForStateAsync(Guid id, JobState state) => WaitForAsync(id, state, _ => true);

    /// <summary>Waits until the job is in <paramref name="state"/> and <paramref name="condition"/> holds.</summary>
    public async Task<JobRecord> WaitForAsync(Guid id, JobState state, Func<JobRecord, bool> condition)
    {
        var reached = new TaskCompletionSource<JobRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(JobRecord job)
        {
            if (job.Id == id && job.State == state && condition(job))
            {
                reached.TrySetResult(job);
            }
        }

        Signals.Changed += OnChanged;
        try
        {
            var current = await Store.GetJobAsync(id, CancellationToken.None);
            if (current?.State == state && condition(current))
            {
                return current;
            }

            return await reached.Task.WaitAsync(TestTimeouts.Default);
        }
        catch (TimeoutException)
        {
            var job = await Store.GetJobAsync(id, CancellationToken.None);
            throw new ShouldAssertException($"Job {id} did not reach {state}; it is {job?.State} (worker {job?.Worker}, error '{job?.ErrorMessage}').");
        }
        finally
        {
            Signals.Changed -= OnChanged;
        }
    }

    public JobCanceller Canceller => new(Store, Signals, Clock);

    public async Task<JobRecord?> CancelAsync(Guid id)
    {
        var job = await Store.GetJobAsync(id, CancellationToken.None);
        return await Canceller.CancelAsync(job!, "Cancelled by the user.", CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Dispatcher.StopAsync(CancellationToken.None);
        Dispatcher.Dispose();
    }
}
