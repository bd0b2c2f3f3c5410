using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// The scheduler's decision core, pure and single-threaded (the dispatcher owns it). Each user has a FIFO of
/// queued jobs. <see cref="Next"/> serves the user with the fewest jobs on workers relative to their weight
/// (ties: the least recently served, then the older waiting job), skipping users at their concurrency limit,
/// and places that user's next job on a free worker that can run it: a worker with its own free slot beats one
/// that would prefetch, then a worker whose last job loaded the same model files, then more free slots, then
/// the name. A user's next job blocks only that user: if no free worker fits it, the next user is tried.
/// <para>
/// Cost: users live in a sorted set keyed by their share, so a decision walks users in order and stops at the
/// first placement; with W free workers it is O(log U + users tried × W) with capability checks cached per
/// requirement set and worker. Nothing is ever proportional to the number of queued jobs.
/// </para>
/// <para>
/// Where it is decided: the order of users is <see cref="FairnessKey"/> (kept by <see cref="UserLanes"/>), the choice of worker is
/// <see cref="WorkerLanes.Choose"/>, whether a worker can run a graph at all is <see cref="WorkerFit"/>; this class ties
/// them together and keeps which job is queued and which is on which worker.
/// </para>
/// </summary>
public sealed class FairQueue
{
    private readonly UserLanes _users;
    private readonly WorkerLanes _workers = new();
    private readonly Dictionary<Guid, QueuedJob> _queued = [];
    private readonly Dictionary<Guid, Placement> _placed = [];
    private readonly Dictionary<string, JobRequirements> _interned = new(StringComparer.Ordinal);
    private long _tick;

    // What the lanes' change counters were when a full pass found nothing to do: until one moves, Next has nothing to say.
    private (long Users, long Workers) _settledAt = (-1, -1);

    /// <summary>How many distinct requirement sets the capability caches keep before they start over.</summary>
    public const int MaxCachedRequirementSets = 10_000;

    /// <param name="defaultWeight">The weight of users without their own (must be positive).</param>
    /// <param name="defaultMaxRunning">The most jobs on workers per user without their own limit; 0 for none.</param>
    public FairQueue(double defaultWeight = 1, int defaultMaxRunning = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(defaultWeight);
        _users = new UserLanes(defaultWeight, defaultMaxRunning);
    }

    /// <summary>Jobs waiting for a worker.</summary>
    public int QueuedCount => _queued.Count;

    /// <summary>Jobs on workers.</summary>
    public int PlacedCount => _placed.Count;

    /// <summary>
    /// Users' next jobs (the head and the one behind it, <see cref="UserLanes.ReadAhead"/>) whose requirements are not
    /// known yet: read their graphs and call <see cref="SetRequirements"/>.
    /// </summary>
    public IReadOnlyCollection<QueuedJob> HeadsAwaitingRequirements => _users.Awaiting;

    /// <summary>Workers that take jobs and have a free slot.</summary>
    public int FreeWorkerCount => _workers.FreeCount;

    public bool IsQueued(Guid jobId) => _queued.ContainsKey(jobId);

    public bool IsPlaced(Guid jobId) => _placed.ContainsKey(jobId);

    /// <summary>The worker a placed job is on, or null.</summary>
    public string? WorkerOf(Guid jobId) => _placed.TryGetValue(jobId, out var placement) ? placement.Worker?.Name : null;

    public int QueuedOf(long userId) => _users.TryGet(userId, out var lane) ? lane.Jobs.Count : 0;

    public int RunningOf(long userId) => _users.TryGet(userId, out var lane) ? lane.Running : 0;

    /// <summary>How many jobs a worker holds now.</summary>
    public int HeldBy(string worker) => _workers.HeldBy(worker);

    /// <summary>Adds or updates a worker: what it can run (null: not known yet), how many jobs it may hold, whether it takes jobs.</summary>
    public void SetWorker(string name, WorkerCapabilities? capabilities, int slots, WorkerAvailability availability) =>
        _workers.Set(name, capabilities, slots, availability);

    /// <summary>Forgets a worker. Jobs placed on it stay placed until released.</summary>
    public bool RemoveWorker(string name) => _workers.Remove(name);

    /// <summary>
    /// Every user with jobs waiting or on workers, in the order <see cref="Next"/> would try them now (users it would
    /// not try follow, by id), with at most <paramref name="jobsPerUser"/> of each user's next jobs. Read-only: it changes
    /// no decision. O(users + jobs on workers).
    /// </summary>
    public IReadOnlyList<UserFairness> Fairness(int jobsPerUser)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(jobsPerUser);
        var running = new Dictionary<long, List<PlacedJob>>();
        foreach (var (jobId, placement) in _placed)
        {
            if (!running.TryGetValue(placement.User.UserId, out var jobs))
            {
                running[placement.User.UserId] = jobs = [];
            }

            jobs.Add(new PlacedJob(jobId, placement.Worker?.Name));
        }

        UserFairness Entry(UserLane lane, int? turn, FairnessStanding standing) => new(
            lane.UserId, lane.Weight, lane.MaxRunning, lane.Running, lane.Jobs.Count, turn, standing,
            running.GetValueOrDefault(lane.UserId) ?? [], lane.Jobs.Take(jobsPerUser).Select(j => j.JobId).ToArray());

        var result = new List<UserFairness>();
        var turn = 0;
        foreach (var lane in _users.Eligible)
        {
            result.Add(Entry(lane, ++turn, FairnessStanding.Waiting));
        }

        foreach (var lane in _users.All.Where(l => !l.InEligible && (l.Jobs.Count > 0 || l.Running > 0)).OrderBy(l => l.UserId))
        {
            var standing = lane.Jobs.Count == 0 ? FairnessStanding.NothingWaiting
                : lane.Jobs.Min!.Requirements is null ? FairnessStanding.Reading
                : FairnessStanding.AtLimit;
            result.Add(Entry(lane, null, standing));
        }

        return result;
    }

    /// <summary>Sets a user's weight and concurrency limit (null: the defaults). A weight of zero or less counts as the default.</summary>
    public void SetUserShare(long userId, double? weight, int? maxRunning)
    {
        var lane = _users.Lane(userId);
        _users.Reposition(lane, () =>
        {
            lane.Weight = weight is > 0 ? weight.Value : _users.DefaultWeight;
            lane.MaxRunning = maxRunning ?? _users.DefaultMaxRunning;
        });
    }

    /// <summary>Adds a job to its user's FIFO. False when the job is already queued or on a worker.</summary>
    public bool Enqueue(QueuedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_queued.ContainsKey(job.JobId) || _placed.ContainsKey(job.JobId))
        {
            return false;
        }

        if (job.Requirements is { } requirements)
        {
            job.Requirements = Intern(requirements);
        }

        var lane = _users.Lane(job.UserId);
        _queued[job.JobId] = job;
        _users.Reposition(lane, () => lane.Jobs.Add(job));
        return true;
    }

    /// <summary>Takes a job out of the queue (cancelled, failed, gone). False when it was not queued.</summary>
    public bool Remove(Guid jobId)
    {
        if (!_queued.Remove(jobId, out var job))
        {
            return false;
        }

        _users.Awaiting.Remove(job);
        var lane = _users.Lane(job.UserId);
        _users.Reposition(lane, () => lane.Jobs.Remove(job));
        return true;
    }

    /// <summary>Records what a queued job needs. False when it is not queued.</summary>
    public bool SetRequirements(Guid jobId, JobRequirements requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        if (!_queued.TryGetValue(jobId, out var job))
        {
            return false;
        }

        _users.Awaiting.Remove(job);
        var lane = _users.Lane(job.UserId);
        _users.Reposition(lane, () => job.Requirements = Intern(requirements));
        return true;
    }

    /// <summary>
    /// Counts a job that is already on a worker (found there after a restart): it holds a slot of the worker and
    /// counts for its user. False when it is already known.
    /// </summary>
    public bool Place(Guid jobId, long userId, string worker, JobRequirements? requirements = null)
    {
        if (_placed.ContainsKey(jobId))
        {
            return false;
        }

        Remove(jobId);
        var lane = _users.Lane(userId);
        var workerLane = _workers.Find(worker);
        _placed[jobId] = new Placement(lane, workerLane);
        _users.Reposition(lane, () => lane.Running++);
        if (workerLane is not null)
        {
            _workers.Occupy(workerLane, requirements);
        }

        return true;
    }

    /// <summary>A job left its worker (finished, lost, requeued): frees its slot and its user's share. False when it was not placed.</summary>
    public bool Release(Guid jobId)
    {
        if (!_placed.Remove(jobId, out var placement))
        {
            return false;
        }

        _users.Reposition(placement.User, () => placement.User.Running--);
        if (placement.Worker is { } worker)
        {
            _workers.Vacate(worker);
        }

        return true;
    }

    /// <summary>
    /// The next decision, or null when nothing can be placed now. An <see cref="FairQueueDecision.Assign"/> is already
    /// counted (the job left the queue and holds the worker's slot; call <see cref="Release"/> when it leaves the worker).
    /// </summary>
    public FairQueueDecision? Next()
    {
        if (_settledAt == (_users.Changes, _workers.Changes) || _workers.FreeCount == 0 || _users.Eligible.Count == 0)
        {
            return null;
        }

        foreach (var lane in _users.Eligible)
        {
            var head = lane.Jobs.Min!;
            var requirements = head.Requirements!;
            if (_workers.Choose(requirements) is { } worker)
            {
                Assign(lane, head, worker);
                return new FairQueueDecision.Assign(head, worker.Name);
            }

            if (_workers.NeverRunnable(requirements) is { } reason)
            {
                Remove(head.JobId);
                return new FairQueueDecision.Unrunnable(head, reason);
            }
        }

        _settledAt = (_users.Changes, _workers.Changes);
        return null;
    }

    private void Assign(UserLane lane, QueuedJob head, WorkerLane worker)
    {
        _queued.Remove(head.JobId);
        _placed[head.JobId] = new Placement(lane, worker);
        var tick = ++_tick;
        _users.Reposition(lane, () =>
        {
            lane.Jobs.Remove(head);
            lane.Running++;
            lane.LastServed = tick;
        });
        _workers.Occupy(worker, head.Requirements);
    }

    private JobRequirements Intern(JobRequirements requirements)
    {
        if (_interned.TryGetValue(requirements.Key, out var existing))
        {
            return existing;
        }

        if (_interned.Count >= MaxCachedRequirementSets)
        {
            // Distinct graphs keep coming in a long-lived process: start the caches over rather than grow forever.
            _interned.Clear();
            _workers.ClearCaches();
        }

        _interned[requirements.Key] = requirements;
        return requirements;
    }

    private sealed record Placement(UserLane User, WorkerLane? Worker);
}
