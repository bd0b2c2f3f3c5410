namespace Gantry.Workers;

/// <summary>How many jobs each worker holds now; the dispatcher knows, the pool's listings show it.</summary>
public interface IWorkerLoad
{
    /// <summary>Jobs on the named worker (running plus prefetched).</summary>
    int JobsOn(string worker);
}
