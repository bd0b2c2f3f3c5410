using System.Collections.Concurrent;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>The jobs on workers, as the dispatcher tracks them (one <see cref="Placement"/> each). Thread-safe.</summary>
internal sealed class PlacementTable
{
    private readonly ConcurrentDictionary<Guid, Placement> _byJob = new();

    public ICollection<Placement> All => _byJob.Values;

    public void Add(Placement placement) => _byJob[placement.JobId] = placement;

    public bool Contains(Guid jobId) => _byJob.ContainsKey(jobId);

    public bool TryGet(Guid jobId, out Placement placement) => _byJob.TryGetValue(jobId, out placement!);

    /// <summary>The job as placed on this very worker (a report from a worker that no longer has it is ignored).</summary>
    public Placement? Find(IWorker worker, Guid jobId)
        => _byJob.TryGetValue(jobId, out var placement)
            && !placement.Ended
            && (placement.Worker is null ? placement.WorkerName == worker.Name : ReferenceEquals(placement.Worker, worker))
                ? placement
                : null;

    /// <summary>The unended jobs on this worker.</summary>
    public List<Placement> On(IWorker worker) => _byJob.Values.Where(p => ReferenceEquals(p.Worker, worker) && !p.Ended).ToList();

    /// <summary>Jobs on the named worker now.</summary>
    public int JobsOn(string worker) => _byJob.Values.Count(p => p.WorkerName == worker && !p.Ended);

    /// <summary>Stops tracking this placement (not a newer one of the same job) and its timers.</summary>
    public void Forget(Placement placement)
    {
        _byJob.TryRemove(new KeyValuePair<Guid, Placement>(placement.JobId, placement));
        placement.StopTimers();
    }

    public void StopAllTimers()
    {
        foreach (var placement in _byJob.Values)
        {
            placement.StopTimers();
        }
    }
}
