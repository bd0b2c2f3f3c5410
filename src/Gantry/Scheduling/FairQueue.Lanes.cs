using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

public sealed partial class FairQueue
{
    /// <summary>One user's FIFO and share of the fleet.</summary>
    private sealed class UserLane(long userId, double weight, int maxRunning)
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

        // The sort key while in the eligible set: frozen on insert so the set's order stays consistent.
        public double KeyShare { get; private set; }

        public long KeyServed { get; private set; }

        public long KeyHeadSequence { get; private set; }

        public bool HasRoom => MaxRunning <= 0 || Running < MaxRunning;

        public void FreezeKey(long headSequence)
        {
            KeyShare = Running / Weight;
            KeyServed = LastServed;
            KeyHeadSequence = headSequence;
        }
    }

    /// <summary>One worker as the scheduler sees it: slots, load, what it can run, what it ran last.</summary>
    private sealed class WorkerLane(string name)
    {
        public string Name { get; } = name;

        public WorkerCapabilities? Capabilities { get; set; }

        public int Slots { get; set; }

        public WorkerAvailability Availability { get; set; }

        /// <summary>Jobs on it now (running plus prefetched).</summary>
        public int Held { get; set; }

        /// <summary>The model files of the last job it got that named any.</summary>
        public string? LastAffinityKey { get; set; }

        public bool Registered { get; set; } = true;

        /// <summary>Whether it can run a requirement set; cleared when its capabilities change.</summary>
        public Dictionary<JobRequirements, bool> Fits { get; } = [];

        public bool CanRun(JobRequirements requirements)
        {
            if (Capabilities is null)
            {
                return false;
            }

            if (!Fits.TryGetValue(requirements, out var fits))
            {
                fits = WorkerFit.CanRun(Capabilities, requirements);
                Fits[requirements] = fits;
            }

            return fits;
        }
    }

    private sealed record Placement(UserLane User, WorkerLane? Worker);

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

    /// <summary>Fewest running per weight first; then least recently served; then the older next job; then the user id.</summary>
    private sealed class LaneOrder : IComparer<UserLane>
    {
        public static readonly LaneOrder Instance = new();

        public int Compare(UserLane? x, UserLane? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            var byShare = x!.KeyShare.CompareTo(y!.KeyShare);
            if (byShare != 0)
            {
                return byShare;
            }

            var byServed = x.KeyServed.CompareTo(y.KeyServed);
            if (byServed != 0)
            {
                return byServed;
            }

            var byHead = x.KeyHeadSequence.CompareTo(y.KeyHeadSequence);
            return byHead != 0 ? byHead : x.UserId.CompareTo(y.UserId);
        }
    }
}
