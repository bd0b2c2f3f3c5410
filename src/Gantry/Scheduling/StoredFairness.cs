using Gantry.Domain;

namespace Gantry.Scheduling;

/// <summary>
/// The fairness snapshot as an instance that does not dispatch (a follower) can know it: from the store's active jobs
/// and the users' shares, ordered by the dispatcher's rule (<see cref="FairnessKey"/>). What only the leader remembers —
/// who was served last, whose next graph is still being read — is not in the store, so a follower's turns can differ
/// from the leader's where those break a tie.
/// </summary>
internal static class StoredFairness
{
    /// <param name="active">Every job not yet ended, in submission order.</param>
    /// <param name="users">The users by id (their weight and running limit; missing ones take the defaults).</param>
    /// <param name="options">The default weight and running limit.</param>
    /// <param name="jobsPerUser">How many of each user's next jobs to list.</param>
    public static IReadOnlyList<UserFairness> Compute(
        IReadOnlyList<JobRecord> active, IReadOnlyDictionary<long, User> users, SchedulerOptions options, int jobsPerUser)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(jobsPerUser);
        var rows = active.GroupBy(j => j.UserId).Select(jobs =>
        {
            var user = users.GetValueOrDefault(jobs.Key);
            var weight = user?.Weight is > 0 ? user.Weight.Value : options.DefaultWeight;
            var maxRunning = user?.MaxRunning ?? options.MaxRunningPerUser;
            var placed = jobs.Where(j => j.State != JobState.Queued).Select(j => new PlacedJob(j.Id, j.Worker)).ToArray();
            var queued = jobs.Where(j => j.State == JobState.Queued).ToArray();
            return (Row: new UserFairness(
                    jobs.Key, weight, maxRunning, placed.Length, queued.Length, Turn: null, FairnessStanding.Waiting,
                    placed, queued.Take(jobsPerUser).Select(j => j.Id).ToArray()),
                Head: queued.Length > 0 ? queued[0].Sequence : long.MaxValue);
        }).ToList();

        var result = new List<UserFairness>(rows.Count);
        var turn = 0;
        foreach (var (row, _) in rows.Where(r => r.Row.Queued > 0 && HasRoom(r.Row))
            .OrderBy(r => new FairnessKey(r.Row.Running / r.Row.Weight, LastServed: 0, r.Head, r.Row.UserId)))
        {
            result.Add(row with { Turn = ++turn });
        }

        foreach (var (row, _) in rows.Where(r => r.Row.Queued == 0 || !HasRoom(r.Row)).OrderBy(r => r.Row.UserId))
        {
            result.Add(row with { Standing = row.Queued == 0 ? FairnessStanding.NothingWaiting : FairnessStanding.AtLimit });
        }

        return result;
    }

    private static bool HasRoom(UserFairness row) => row.MaxRunning <= 0 || row.Running < row.MaxRunning;
}
