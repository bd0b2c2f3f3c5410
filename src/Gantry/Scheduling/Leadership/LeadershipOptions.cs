using System.ComponentModel.DataAnnotations;

namespace Gantry.Scheduling.Leadership;

/// <summary><c>Gantry:Leadership</c>: how often a follower tries to lead and a leader checks it still does (PostgreSQL only).</summary>
public sealed class LeadershipOptions
{
    public const string SectionName = "Gantry:Leadership";

    /// <summary>How often a follower tries to take the leadership lock. Bounds the takeover time after a leader dies.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the leader checks that its lock session is alive. Bounds how long a leader that lost it keeps dispatching.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the leader rereads the store's queued and cancelling jobs, in case a notification from another instance was missed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(5);
}
