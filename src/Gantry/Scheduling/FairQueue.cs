using Gantry.Domain;

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
/// </summary>
public sealed partial class FairQueue
{
    private readonly double _defaultWeight;
    private readonly int _defaultMaxRunning;
    private readonly Dictionary<long, UserLane> _users = [];
    private readonly SortedSet<UserLane> _eligible = new(LaneOrder.Instance);
    private readonly Dictionary<Guid, QueuedJob> _queued = [];
    private readonly HashSet<QueuedJob> _awaiting = [];
    private readonly Dictionary<Guid, Placement> _placed = [];
    private readonly Dictionary<string, JobRequirements> _interned = new(StringComparer.Ordinal);
    private long _tick;

    // Set when a full pass found nothing to do; any change that could allow a decision clears it.
    private bool _settled;

    /// <summary>How many distinct requirement sets the capability caches keep before they start over.</summary>
    public const int MaxCachedRequirementSets = 10_000;

    /// <param name="defaultWeight">The weight of users without their own (must be positive).</param>
    /// <param name="defaultMaxRunning">The most jobs on workers per user without their own limit; 0 for none.</param>
    public FairQueue(double defaultWeight = 1, int defaultMaxRunning = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(defaultWeight);
        _defaultWeight = defaultWeight;
        _defaultMaxRunning = defaultMaxRunning;
    }

    /// <summary>Jobs waiting for a worker.</summary>
    public int QueuedCount => _queued.Count;

    /// <summary>Jobs on workers.</summary>
    public int PlacedCount => _placed.Count;

    /// <summary>Users' next jobs whose requirements are not known yet: read their graphs and call <see cref="SetRequirements"/>.</summary>
    public IReadOnlyCollection<QueuedJob> HeadsAwaitingRequirements => _awaiting;

    public bool IsQueued(Guid jobId) => _queued.ContainsKey(jobId);

    public bool IsPlaced(Guid jobId) => _placed.ContainsKey(jobId);

    /// <summary>The worker a placed job is on, or null.</summary>
    public string? WorkerOf(Guid jobId) => _placed.TryGetValue(jobId, out var placement) ? placement.Worker?.Name : null;

    public int QueuedOf(long userId) => _users.TryGetValue(userId, out var lane) ? lane.Jobs.Count : 0;

    public int RunningOf(long userId) => _users.TryGetValue(userId, out var lane) ? lane.Running : 0;

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

        var result = new List<UserFairness>(_users.Count);
        var turn = 0;
        foreach (var lane in _eligible)
        {
            result.Add(Entry(lane, ++turn, FairnessStanding.Waiting));
        }

        foreach (var lane in _users.Values.Where(l => !l.InEligible && (l.Jobs.Count > 0 || l.Running > 0)).OrderBy(l => l.UserId))
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
        var lane = Lane(userId);
        Reposition(lane, () =>
        {
            lane.Weight = weight is > 0 ? weight.Value : _defaultWeight;
            lane.MaxRunning = maxRunning ?? _defaultMaxRunning;
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

        var lane = Lane(job.UserId);
        _queued[job.JobId] = job;
        Reposition(lane, () => lane.Jobs.Add(job));
        return true;
    }

    /// <summary>Takes a job out of the queue (cancelled, failed, gone). False when it was not queued.</summary>
    public bool Remove(Guid jobId)
    {
        if (!_queued.Remove(jobId, out var job))
        {
            return false;
        }

        _awaiting.Remove(job);
        var lane = _users[job.UserId];
        Reposition(lane, () => lane.Jobs.Remove(job));
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

        _awaiting.Remove(job);
        var lane = _users[job.UserId];
        Reposition(lane, () => job.Requirements = Intern(requirements));
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
        var lane = Lane(userId);
        var workerLane = _workers.GetValueOrDefault(worker);
        _placed[jobId] = new Placement(lane, workerLane);
        Reposition(lane, () => lane.Running++);
        if (workerLane is not null)
        {
            Occupy(workerLane, requirements);
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

        Reposition(placement.User, () => placement.User.Running--);
        if (placement.Worker is { } worker)
        {
            worker.Held--;
            UpdateFree(worker);
        }

        return true;
    }

    /// <summary>
    /// The next decision, or null when nothing can be placed now. An <see cref="FairQueueDecision.Assign"/> is already
    /// counted (the job left the queue and holds the worker's slot; call <see cref="Release"/> when it leaves the worker).
    /// </summary>
    public FairQueueDecision? Next()
    {
        if (_settled || _free.Count == 0 || _eligible.Count == 0)
        {
            return null;
        }

        foreach (var lane in _eligible)
        {
            var head = lane.Jobs.Min!;
            var requirements = head.Requirements!;
            if (ChooseWorker(requirements) is { } worker)
            {
                Assign(lane, head, worker);
                return new FairQueueDecision.Assign(head, worker.Name);
            }

            if (NeverRunnable(requirements) is { } reason)
            {
                Remove(head.JobId);
                return new FairQueueDecision.Unrunnable(head, reason);
            }
        }

        _settled = true;
        return null;
    }

    private void Assign(UserLane lane, QueuedJob head, WorkerLane worker)
    {
        _queued.Remove(head.JobId);
        _placed[head.JobId] = new Placement(lane, worker);
        var tick = ++_tick;
        Reposition(lane, () =>
        {
            lane.Jobs.Remove(head);
            lane.Running++;
            lane.LastServed = tick;
        });
        Occupy(worker, head.Requirements);
    }

    private UserLane Lane(long userId)
    {
        if (!_users.TryGetValue(userId, out var lane))
        {
            lane = new UserLane(userId, _defaultWeight, _defaultMaxRunning);
            _users[userId] = lane;
        }

        return lane;
    }

    /// <summary>Changes a lane and puts it back in the eligible set at its new place, if it belongs there.</summary>
    private void Reposition(UserLane lane, Action change)
    {
        _settled = false;
        if (lane.InEligible)
        {
            _eligible.Remove(lane);
            lane.InEligible = false;
        }

        change();
        if (lane.Jobs.Count == 0)
        {
            return;
        }

        var head = lane.Jobs.Min!;
        if (head.Requirements is null)
        {
            _awaiting.Add(head);
            return;
        }

        if (lane.HasRoom)
        {
            lane.FreezeKey(head.Sequence);
            _eligible.Add(lane);
            lane.InEligible = true;
        }
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
            _runnability.Clear();
            foreach (var worker in _workers.Values)
            {
                worker.Fits.Clear();
            }
        }

        _interned[requirements.Key] = requirements;
        return requirements;
    }
}
