using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// The workers' side of <see cref="FairQueue"/>: one <see cref="WorkerLane"/> per worker, the ones with a free slot, and
/// which worker a job goes to (<see cref="Choose"/>: idle first, then the same model files, then more free slots) or why
/// none ever will (<see cref="NeverRunnable"/>). What a worker can run is <see cref="WorkerFit"/>'s answer, cached.
/// </summary>
internal sealed class WorkerLanes
{
    private readonly Dictionary<string, WorkerLane> _workers = new(StringComparer.Ordinal);
    private readonly HashSet<WorkerLane> _free = [];
    private readonly Dictionary<JobRequirements, (int Version, string? Reason)> _runnability = [];
    private int _fleetVersion;

    /// <summary>Workers that take jobs and have a free slot.</summary>
    public int FreeCount => _free.Count;

    /// <summary>Counts every change of a worker's slots or availability: a decision pass that found nothing stays valid while it does not move.</summary>
    public long Changes { get; private set; }

    public WorkerLane? Find(string name) => _workers.GetValueOrDefault(name);

    /// <summary>How many jobs a worker holds now.</summary>
    public int HeldBy(string worker) => _workers.TryGetValue(worker, out var lane) ? lane.Held : 0;

    /// <summary>Adds or updates a worker: what it can run (null: not known yet), how many jobs it may hold, whether it takes jobs.</summary>
    public void Set(string name, WorkerCapabilities? capabilities, int slots, WorkerAvailability availability)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_workers.TryGetValue(name, out var lane))
        {
            lane = new WorkerLane(name);
            _workers[name] = lane;
            _fleetVersion++;
        }

        if (!ReferenceEquals(lane.Capabilities, capabilities))
        {
            lane.Capabilities = capabilities;
            lane.Fits.Clear();
            _fleetVersion++;
        }

        if (lane.Availability != availability)
        {
            lane.Availability = availability;
            _fleetVersion++;
        }

        lane.Slots = Math.Max(0, slots);
        UpdateFree(lane);
    }

    /// <summary>Forgets a worker. Jobs placed on it stay placed until released.</summary>
    public bool Remove(string name)
    {
        if (!_workers.Remove(name, out var lane))
        {
            return false;
        }

        lane.Registered = false;
        _free.Remove(lane);
        _fleetVersion++;
        Changes++;
        return true;
    }

    /// <summary>A job went onto the worker: one slot less.</summary>
    public void Occupy(WorkerLane worker, JobRequirements? requirements)
    {
        worker.Held++;
        if (requirements?.AffinityKey is { } key)
        {
            worker.LastAffinityKey = key;
        }

        UpdateFree(worker);
    }

    /// <summary>A job left the worker: one slot more.</summary>
    public void Vacate(WorkerLane worker)
    {
        worker.Held--;
        UpdateFree(worker);
    }

    /// <summary>Forgets what each worker can run (the requirement sets are being started over).</summary>
    public void ClearCaches()
    {
        _runnability.Clear();
        foreach (var worker in _workers.Values)
        {
            worker.Fits.Clear();
        }
    }

    private void UpdateFree(WorkerLane worker)
    {
        Changes++;
        if (worker.Registered && worker.Availability == WorkerAvailability.Accepting && worker.Held < worker.Slots)
        {
            _free.Add(worker);
        }
        else
        {
            _free.Remove(worker);
        }
    }

    /// <summary>The best free worker that can run the requirements, or null.</summary>
    public WorkerLane? Choose(JobRequirements requirements)
    {
        WorkerLane? best = null;
        foreach (var candidate in _free)
        {
            if (candidate.CanRun(requirements) && (best is null || Prefer(candidate, best, requirements)))
            {
                best = candidate;
            }
        }

        return best;
    }

    /// <summary>Idle beats prefetch; then the same model files as its last job; then more free slots; then the name.</summary>
    private static bool Prefer(WorkerLane a, WorkerLane b, JobRequirements requirements)
    {
        var idleA = a.Held == 0;
        var idleB = b.Held == 0;
        if (idleA != idleB)
        {
            return idleA;
        }

        var key = requirements.AffinityKey;
        var sameA = key is not null && string.Equals(a.LastAffinityKey, key, StringComparison.Ordinal);
        var sameB = key is not null && string.Equals(b.LastAffinityKey, key, StringComparison.Ordinal);
        if (sameA != sameB)
        {
            return sameA;
        }

        var freeA = a.Slots - a.Held;
        var freeB = b.Slots - b.Held;
        return freeA != freeB ? freeA > freeB : string.CompareOrdinal(a.Name, b.Name) < 0;
    }

    /// <summary>
    /// Why no worker will ever run these requirements, or null while one might: some worker that is not draining
    /// fits, or has not reported its catalog yet, or there are no such workers at all (nothing is configured yet).
    /// </summary>
    public string? NeverRunnable(JobRequirements requirements)
    {
        if (_runnability.TryGetValue(requirements, out var cached) && cached.Version == _fleetVersion)
        {
            return cached.Reason;
        }

        var gaps = new List<string>();
        var candidates = 0;
        string? reason = null;
        foreach (var worker in _workers.Values)
        {
            if (worker.Availability == WorkerAvailability.Retired)
            {
                continue;
            }

            candidates++;
            if (worker.Capabilities is null || worker.CanRun(requirements))
            {
                gaps = null;
                break;
            }

            if (gaps.Count < 3)
            {
                gaps.Add($"'{worker.Name}' lacks {WorkerFit.FirstGap(worker.Capabilities, requirements)}");
            }
        }

        if (gaps is not null && candidates > 0)
        {
            reason = $"No worker can run this graph: {string.Join("; ", gaps)}{(candidates > gaps.Count ? "; …" : "")}.";
        }

        _runnability[requirements] = (_fleetVersion, reason);
        return reason;
    }
}
