namespace Gantry.Scheduling;

/// <summary>One user's FIFO of queued jobs and share of the fleet, as <see cref="FairQueue"/> sees it.</summary>
internal sealed class UserLane(long userId, double weight, int maxRunning)
{
    public long UserId { get; } = userId;

    public double Weight { get; set; } = weight;

    /// <summary>0 or less: no limit.</summary>
    public int MaxRunning { get; set; } = maxRunning;

    /// <summary>Jobs of this user on workers (dispatched, running, cancelling).</summary>
    public int Running { get; set; }

    /// <summary>The decision tick at which this user last got a worker; 0 when never.</summary>
    public long LastServed { get; set; }

    public SortedSet<QueuedJob> Jobs { get; } = new(JobOrder.Instance);

    public bool InEligible { get; set; }

    /// <summary>The sort key while in the eligible set: frozen on insert so the set's order stays consistent.</summary>
    public FairnessKey Key { get; private set; }

    public bool HasRoom => MaxRunning <= 0 || Running < MaxRunning;

    public void FreezeKey(long headSequence)
    {
        Key = new FairnessKey(Running / Weight, LastServed, headSequence, UserId);
    }

    /// <summary>A user's jobs in the order they were queued (store sequence, then id).</summary>
    private sealed class JobOrder : IComparer<QueuedJob>
    {
        public static readonly JobOrder Instance = new();

        public int Compare(QueuedJob? x, QueuedJob? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            var bySequence = x!.Sequence.CompareTo(y!.Sequence);
            return bySequence != 0 ? bySequence : x.JobId.CompareTo(y.JobId);
        }
    }
}
