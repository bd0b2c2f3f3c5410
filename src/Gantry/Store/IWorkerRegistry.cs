using Gantry.Domain;

namespace Gantry.Store;

/// <summary>Workers added at run time, kept across restarts.</summary>
public interface IWorkerRegistry
{
    /// <summary>Adds a worker, or replaces the one with the same name.</summary>
    Task SaveWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken);

    Task<IReadOnlyList<WorkerRegistration>> ListWorkersAsync(CancellationToken cancellationToken);

    Task<bool> RemoveWorkerAsync(string name, CancellationToken cancellationToken);
}
