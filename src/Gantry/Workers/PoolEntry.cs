using Gantry.Domain;

namespace Gantry.Workers;

/// <summary>Where a worker of the pool came from.</summary>
public enum WorkerOrigin
{
    /// <summary>Settings (<c>Gantry:Workers</c>): embedded workers and configured ComfyUI servers; back on every start.</summary>
    Settings = 0,

    /// <summary>Added at run time and kept in the store; removable.</summary>
    Registry = 1,
}

/// <summary>One worker of the pool: a running <see cref="IWorker"/>, or a registration this build cannot run (with why).</summary>
internal sealed class PoolEntry
{
    private PoolEntry(string name, string kind, string? url, IWorker? worker, WorkerOrigin origin, string? unavailable, bool draining)
    {
        Name = name;
        Kind = kind;
        Url = url;
        Worker = worker;
        Origin = origin;
        UnavailableReason = unavailable;
        Draining = draining;
        LastCapabilities = worker?.Capabilities;
    }

    public string Name { get; }

    public string Kind { get; }

    public string? Url { get; }

    public IWorker? Worker { get; }

    public WorkerOrigin Origin { get; }

    public string? UnavailableReason { get; }

    public bool Draining { get; set; }

    /// <summary>The worker's newest catalog; kept while it is offline.</summary>
    public WorkerCapabilities? LastCapabilities { get; set; }

    public static PoolEntry ForWorker(IWorker worker, WorkerOrigin origin, WorkerRegistration? registration = null)
        => new(worker.Name, worker.Kind, worker.Url, worker, origin, null, registration?.Draining ?? false);

    public static PoolEntry Unavailable(WorkerRegistration registration, string reason, WorkerOrigin origin = WorkerOrigin.Registry)
        => new(registration.Name, WorkerPool.ComfyUiKind, registration.Url, null, origin, reason, registration.Draining);

    public WorkerInfo Describe(IWorkerLoad? load)
    {
        if (Worker is not { } worker)
        {
            return new WorkerInfo(Name, Kind, Url, WorkerState.Offline, UnavailableReason, 0, 0, false);
        }

        // The node and model counts of the newest catalog (the last one seen while the worker is offline).
        var catalog = worker.Capabilities ?? LastCapabilities;
        return new WorkerInfo(Name, Kind, Url, worker.State, worker.LastError, load?.JobsOn(Name) ?? 0, worker.Slots, catalog is not null,
            catalog?.Nodes.Count, catalog?.Models.Values.Sum(files => files.Count));
    }
}
