namespace Gantry.Scheduling;

/// <summary>
/// The users' side of <see cref="FairQueue"/>: one <see cref="UserLane"/> per user, and the lanes that may be served now
/// kept sorted in fair order (<see cref="FairnessKey"/>: fewest jobs on workers per weight first). A lane is eligible while
/// its user has a queued job whose requirements are known and room under their concurrency limit; a head whose
/// requirements are not known yet waits in <see cref="Awaiting"/>, with the job behind it (<see cref="ReadAhead"/>).
/// </summary>
internal sealed class UserLanes(double defaultWeight, int defaultMaxRunning)
{
    /// <summary>
    /// How many of a user's next jobs have their requirements read before they are needed: the head and the one behind
    /// it. When the head goes to a worker, the next is ready at once, so the user keeps their place in the fair order
    /// instead of losing the free slot to another user while their next graph is read.
    /// </summary>
    public const int ReadAhead = 2;

    private readonly Dictionary<long, UserLane> _lanes = [];
    private readonly SortedSet<UserLane> _eligible = new(FairOrder.Instance);
    private readonly HashSet<QueuedJob> _awaiting = [];

    public double DefaultWeight => defaultWeight;

    public int DefaultMaxRunning => defaultMaxRunning;

    /// <summary>Counts every change of a lane: a decision pass that found nothing stays valid while it does not move.</summary>
    public long Changes { get; private set; }

    /// <summary>The lanes that may be served now, fairest first.</summary>
    public IReadOnlyCollection<UserLane> Eligible => _eligible;

    /// <summary>Every user known, in no particular order (for a read-only snapshot).</summary>
    public IReadOnlyCollection<UserLane> All => _lanes.Values;

    /// <summary>Users' next jobs (up to <see cref="ReadAhead"/> each) whose requirements are not known yet.</summary>
    public HashSet<QueuedJob> Awaiting => _awaiting;

    public bool TryGet(long userId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out UserLane? lane) => _lanes.TryGetValue(userId, out lane);

    /// <summary>The user's lane, made with the defaults when the user has none yet.</summary>
    public UserLane Lane(long userId)
    {
        if (!_lanes.TryGetValue(userId, out var lane))
        {
            lane = new UserLane(userId, defaultWeight, defaultMaxRunning);
            _lanes[userId] = lane;
        }

        return lane;
    }

    /// <summary>Changes a lane and puts it back in the eligible set at its new place, if it belongs there.</summary>
    public void Reposition(UserLane lane, Action change)
    {
        Changes++;
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
        MarkUnread(lane);
        if (head.Requirements is null)
        {
            return;
        }

        if (lane.HasRoom)
        {
            lane.FreezeKey(head.Sequence);
            _eligible.Add(lane);
            lane.InEligible = true;
        }
    }

    private void MarkUnread(UserLane lane)
    {
        var seen = 0;
        foreach (var job in lane.Jobs)
        {
            if (job.Requirements is null)
            {
                _awaiting.Add(job);
            }

            if (++seen == ReadAhead)
            {
                break;
            }
        }
    }

    /// <summary>The eligible lanes by their frozen <see cref="FairnessKey"/>.</summary>
    private sealed class FairOrder : IComparer<UserLane>
    {
        public static readonly FairOrder Instance = new();

        public int Compare(UserLane? x, UserLane? y) => ReferenceEquals(x, y) ? 0 : x!.Key.CompareTo(y!.Key);
    }
}
