namespace Gantry.Scheduling;

/// <summary>
/// Where a user stands in the fair order: the one statement of the rule. Fewest jobs on workers per unit of weight
/// first; then the user served longest ago; then the older next job; then the lower user id, so the order is total.
/// The dispatcher's <see cref="UserLanes"/> and a follower's <see cref="StoredFairness"/> both sort by it.
/// </summary>
/// <param name="Share">Jobs on workers divided by the user's weight.</param>
/// <param name="LastServed">The decision tick at which the user last got a worker; 0 when never (or not known).</param>
/// <param name="HeadSequence">The store sequence of the user's next queued job.</param>
/// <param name="UserId">The user.</param>
internal readonly record struct FairnessKey(double Share, long LastServed, long HeadSequence, long UserId) : IComparable<FairnessKey>
{
    public int CompareTo(FairnessKey other)
    {
        var byShare = Share.CompareTo(other.Share);
        if (byShare != 0)
        {
            return byShare;
        }

        var byServed = LastServed.CompareTo(other.LastServed);
        if (byServed != 0)
        {
            return byServed;
        }

        var byHead = HeadSequence.CompareTo(other.HeadSequence);
        return byHead != 0 ? byHead : UserId.CompareTo(other.UserId);
    }
}
