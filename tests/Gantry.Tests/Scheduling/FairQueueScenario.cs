using Gantry.Domain;
using Gantry.Scheduling;
using Gantry.Workers;

namespace Gantry.Tests.Scheduling;

/// <summary>
/// Drives a <see cref="FairQueue"/> the way the dispatcher does, with readable job labels ("A1", "B3"):
/// enqueue per user, take every decision there is, finish jobs in the order they started.
/// </summary>
internal sealed class FairQueueScenario
{
    private readonly Dictionary<Guid, string> _labels = [];
    private readonly Dictionary<string, Guid> _ids = [];
    private readonly List<Guid> _started = [];
    private readonly Dictionary<string, long> _users = [];
    private readonly Dictionary<string, int> _counts = [];
    private long _sequence;

    public FairQueueScenario(double defaultWeight = 1, int defaultMaxRunning = 3) => Queue = new FairQueue(defaultWeight, defaultMaxRunning);

    public FairQueue Queue { get; }

    /// <summary>Jobs in the order they were placed, as "label@worker".</summary>
    public List<string> Placements { get; } = [];

    public List<string> Unrunnable { get; } = [];

    public IEnumerable<string> Running => _started.Select(id => _labels[id]);

    public long UserId(string user)
    {
        if (!_users.TryGetValue(user, out var id))
        {
            id = _users.Count + 1;
            _users[user] = id;
        }

        return id;
    }

    public FairQueueScenario Worker(string name, int slots = 1, WorkerCapabilities? capabilities = null, WorkerAvailability availability = WorkerAvailability.Accepting)
    {
        Queue.SetWorker(name, capabilities ?? SchedulingCatalogs.Classes("Any"), slots, availability);
        return this;
    }

    /// <summary>Queues <paramref name="count"/> jobs for a user, labelled user+number continuing from earlier ones.</summary>
    public IReadOnlyList<Guid> Enqueue(string user, int count = 1, JobRequirements? requirements = null, bool prepared = true)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            _counts[user] = _counts.GetValueOrDefault(user) + 1;
            var label = user + _counts[user];
            var job = new QueuedJob(Guid.NewGuid(), UserId(user), ++_sequence);
            _labels[job.JobId] = label;
            _ids[label] = job.JobId;
            Queue.Enqueue(job).ShouldBeTrue();
            if (prepared)
            {
                Queue.SetRequirements(job.JobId, requirements ?? SchedulingCatalogs.Needs("Any")).ShouldBeTrue();
            }

            ids.Add(job.JobId);
        }

        return ids;
    }

    public Guid Id(string label) => _ids[label];

    /// <summary>Takes decisions until there are none; returns the labels placed by this call.</summary>
    public List<string> Dispatch()
    {
        var placed = new List<string>();
        while (Queue.Next() is { } decision)
        {
            switch (decision)
            {
                case FairQueueDecision.Assign assign:
                    placed.Add(Track(assign));
                    break;
                case FairQueueDecision.Unrunnable unrunnable:
                    Unrunnable.Add($"{_labels[unrunnable.Job.JobId]}: {unrunnable.Reason}");
                    break;
            }
        }

        return placed;
    }

    /// <summary>Records a placement decided outside <see cref="Dispatch"/>; returns its label.</summary>
    public string Track(FairQueueDecision.Assign assign)
    {
        _started.Add(assign.Job.JobId);
        Placements.Add($"{_labels[assign.Job.JobId]}@{assign.Worker}");
        return _labels[assign.Job.JobId];
    }

    /// <summary>Finishes the job that started first (or the named one).</summary>
    public string Finish(string? label = null)
    {
        var id = label is null ? _started[0] : _ids[label];
        _started.Remove(id).ShouldBeTrue();
        Queue.Release(id).ShouldBeTrue();
        return _labels[id];
    }

    public int RunningOf(string user) => Queue.RunningOf(UserId(user));
}
