// Over 300 lines on purpose: every member reads or changes the one entry list under the one lock (adding, detaching,
// draining, the fleet catalog cached over it); split apart, each piece would have to share that lock and list.
using Gantry.Domain;
using Gantry.Engine.Catalog;
using Gantry.Store;
using Gantry.Workers.Embedded;
using Microsoft.Extensions.Options;

namespace Gantry.Workers;

/// <summary>
/// Every worker of this Gantry: the embedded ones and the ComfyUI servers from settings, the ComfyUI servers
/// added at run time (kept in <see cref="IWorkerRegistry"/>), started with the dispatcher as their callbacks.
/// As <see cref="IWorkerFleet"/> it is what the catalog endpoints and submit-time validation read.
/// ComfyUI workers are made by the <see cref="IComfyUiWorkerFactory"/> (tests pass a scripted one).
/// </summary>
public sealed class WorkerPool : IWorkerFleet, IAsyncDisposable
{
    public const string EmbeddedKind = "embedded";
    public const string ComfyUiKind = "comfyui";
    private readonly WorkerPoolOptions _options;
    private readonly IWorkerRegistry _registry;
    private readonly EmbeddedWorkerFactory _embedded;
    private readonly IComfyUiWorkerFactory _comfyUi;
    private readonly ILogger<WorkerPool> _logger;
    private readonly Lock _gate = new();
    private readonly List<PoolEntry> _entries = [];
    private PoolCallbacks? _callbacks;
    private IWorkerLoad? _load;
    private FleetCatalog? _catalog;

    public WorkerPool(
        IOptions<WorkerPoolOptions> options,
        IWorkerRegistry registry,
        EmbeddedWorkerFactory embedded,
        IComfyUiWorkerFactory comfyUi,
        ILogger<WorkerPool> logger)
    {
        _options = options.Value;
        _registry = registry;
        _embedded = embedded;
        _comfyUi = comfyUi;
        _logger = logger;
    }

    /// <summary>Raised (outside the pool's lock) whenever a worker's state or catalog changed, or one was added or removed.</summary>
    public event Action? Changed;

    /// <summary>The union of every worker's last known catalog (offline workers included); null until one has reported.</summary>
    public NodeInfoSet? Nodes => Catalog.Nodes;

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Models => Catalog.Models;

    /// <summary>The fleet's catalog, built once per change of any worker's catalog.</summary>
    public FleetCatalog Catalog
    {
        get
        {
            lock (_gate)
            {
                return _catalog ??= FleetCatalog.Of([.. _entries.Select(e => e.LastCapabilities).OfType<WorkerCapabilities>()]);
            }
        }
    }

    /// <summary>Workers that exist as running objects (not registrations this build cannot run).</summary>
    public IReadOnlyList<IWorker> LiveWorkers
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Where(e => e.Worker is not null).Select(e => e.Worker!)];
            }
        }
    }

    public IReadOnlyList<WorkerInfo> Workers
    {
        get
        {
            PoolEntry[] entries;
            lock (_gate)
            {
                entries = [.. _entries];
            }

            return [.. entries.Select(e => e.Describe(_load))];
        }
    }

    /// <summary>
    /// Creates and starts the workers from settings and from the registry. Names must be unique: a later
    /// worker with a name already taken is skipped with a warning.
    /// </summary>
    public async Task StartAsync(IWorkerCallbacks callbacks, IWorkerLoad load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        lock (_gate)
        {
            if (_callbacks is not null)
            {
                throw new InvalidOperationException("The worker pool was started already.");
            }

            _callbacks = new PoolCallbacks(this, callbacks);
            _load = load;
        }

        for (var i = 1; i <= _options.Embedded; i++)
        {
            await AddEntryAsync(PoolEntry.ForWorker(_embedded.Create($"embedded-{i}"), WorkerOrigin.Settings), cancellationToken);
        }

        for (var i = 0; i < _options.ComfyUi.Count; i++)
        {
            var settings = _options.ComfyUi[i];
            var registration = new WorkerRegistration
            {
                Name = string.IsNullOrWhiteSpace(settings.Name) ? $"comfyui-{i + 1}" : settings.Name.Trim(),
                Url = settings.Url,
                AuthHeader = settings.AuthHeader,
                CreatedAtMs = 0,
            };
            await AddEntryAsync(CreateComfyUi(registration, WorkerOrigin.Settings), cancellationToken);
        }

        foreach (var registration in await _registry.ListWorkersAsync(cancellationToken))
        {
            await AddEntryAsync(CreateComfyUi(registration, WorkerOrigin.Registry), cancellationToken);
        }
    }

    /// <summary>The running worker with this name, or null.</summary>
    public IWorker? Find(string name)
    {
        lock (_gate)
        {
            return _entries.FirstOrDefault(e => e.Name == name)?.Worker;
        }
    }

    /// <summary>The listing of one worker, or null.</summary>
    public WorkerInfo? Describe(string name)
    {
        PoolEntry? entry;
        lock (_gate)
        {
            entry = _entries.FirstOrDefault(e => e.Name == name);
        }

        return entry?.Describe(_load);
    }

    /// <summary>Where a worker came from, or null when there is none by that name.</summary>
    public WorkerOrigin? OriginOf(string name)
    {
        lock (_gate)
        {
            return _entries.FirstOrDefault(e => e.Name == name)?.Origin;
        }
    }

    /// <summary>
    /// Adds and starts a ComfyUI worker registered at run time. Throws <see cref="InvalidOperationException"/> when the
    /// name is taken; the factory's <see cref="ArgumentException"/>/<see cref="FormatException"/> for a bad URL or header.
    /// </summary>
    public async Task<WorkerInfo> AddAsync(WorkerRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (Describe(registration.Name) is not null)
        {
            throw new InvalidOperationException($"A worker named '{registration.Name}' exists already.");
        }

        var entry = PoolEntry.ForWorker(_comfyUi.Create(registration), WorkerOrigin.Registry, registration);
        if (!await AddEntryAsync(entry, cancellationToken))
        {
            throw new InvalidOperationException($"A worker named '{registration.Name}' exists already.");
        }

        return entry.Describe(_load);
    }

    /// <summary>
    /// Takes a worker out of the pool without stopping it (the caller moves its jobs away, then disposes it).
    /// Returns whether there was one by that name, and the running worker if it had one.
    /// </summary>
    public bool Detach(string name, out IWorker? worker)
    {
        PoolEntry? entry;
        lock (_gate)
        {
            entry = _entries.FirstOrDefault(e => e.Name == name);
            if (entry is not null)
            {
                _entries.Remove(entry);
                InvalidateCatalog();
            }
        }

        worker = entry?.Worker;
        if (entry is null)
        {
            return false;
        }

        WorkersLog.Removed(_logger, name);
        Changed?.Invoke();
        return true;
    }

    /// <summary>Puts a worker into draining: it finishes what it has and takes nothing new. False when there is none by that name.</summary>
    public bool Drain(string name) => SetDraining(name, draining: true);

    /// <summary>Undoes <see cref="Drain"/>: the worker takes new jobs again. False when there is none by that name.</summary>
    public bool Resume(string name) => SetDraining(name, draining: false);

    public async ValueTask DisposeAsync()
    {
        PoolEntry[] entries;
        lock (_gate)
        {
            entries = [.. _entries];
            _entries.Clear();
        }

        foreach (var entry in entries)
        {
            if (entry.Worker is { } worker)
            {
                try
                {
                    await worker.DisposeAsync();
                }
                catch (Exception ex)
                {
                    WorkersLog.StopFailed(_logger, entry.Name, ex);
                }
            }
        }
    }

    private PoolEntry CreateComfyUi(WorkerRegistration registration, WorkerOrigin origin)
    {
        try
        {
            return PoolEntry.ForWorker(_comfyUi.Create(registration), origin, registration);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            WorkersLog.BadRegistration(_logger, registration.Name, ex.Message);
            return PoolEntry.Unavailable(registration, ex.Message, origin);
        }
    }

    /// <summary>Adds an entry and starts its worker; false (and the worker disposed) when the name is taken.</summary>
    private async Task<bool> AddEntryAsync(PoolEntry entry, CancellationToken cancellationToken)
    {
        PoolCallbacks callbacks;
        bool added;
        lock (_gate)
        {
            callbacks = _callbacks ?? throw new InvalidOperationException("The worker pool has not been started.");
            added = _entries.All(e => e.Name != entry.Name);
            if (added)
            {
                _entries.Add(entry);
                InvalidateCatalog();
            }
        }

        if (!added)
        {
            WorkersLog.DuplicateName(_logger, entry.Name);
            if (entry.Worker is { } duplicate)
            {
                await duplicate.DisposeAsync();
            }

            return false;
        }

        if (entry.Worker is { } worker)
        {
            if (entry.Draining)
            {
                worker.Drain();
            }

            await worker.StartAsync(callbacks, cancellationToken);
            WorkersLog.Started(_logger, worker.Name, worker.Kind, Auth.Secrets.Redact(worker.Url) ?? "in process");
            callbacks.OnWorkerChanged(worker);
        }
        else
        {
            Changed?.Invoke();
        }

        return true;
    }

    /// <summary>Keeps the worker's newest catalog, so an offline worker's last known one still counts.</summary>
    internal void Remember(IWorker worker)
    {
        var capabilities = worker.Capabilities;
        lock (_gate)
        {
            var entry = _entries.FirstOrDefault(e => ReferenceEquals(e.Worker, worker));
            if (entry is not null && capabilities is not null && !ReferenceEquals(entry.LastCapabilities, capabilities))
            {
                entry.LastCapabilities = capabilities;
                InvalidateCatalog();
            }
        }
    }

    internal void RaiseChanged() => Changed?.Invoke();

    private bool SetDraining(string name, bool draining)
    {
        PoolEntry? entry;
        lock (_gate)
        {
            entry = _entries.FirstOrDefault(e => e.Name == name);
            if (entry is not null)
            {
                entry.Draining = draining;
            }
        }

        if (entry is null)
        {
            return false;
        }

        if (draining)
        {
            entry.Worker?.Drain();
            WorkersLog.Draining(_logger, name);
        }
        else
        {
            entry.Worker?.Resume();
            WorkersLog.Resumed(_logger, name);
        }

        if (entry.Worker is { } worker)
        {
            _callbacks?.OnWorkerChanged(worker);
        }
        else
        {
            Changed?.Invoke();
        }

        return true;
    }

    /// <summary>Called under the lock whenever the set of catalogs may have changed.</summary>
    private void InvalidateCatalog() => _catalog = null;
}
