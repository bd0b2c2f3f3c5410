using System.ComponentModel.DataAnnotations;

namespace Gantry.Jobs.Submission;

/// <summary>Per-user limits (the <c>Gantry:Limits</c> section); a user's own overrides (set with the admin API) win over these defaults.</summary>
public sealed class LimitOptions
{
    public const string SectionName = "Gantry:Limits";

    /// <summary>Most jobs of one user waiting at once (queued or dispatched); 0 for no limit.</summary>
    [Range(0, int.MaxValue)]
    public int MaxQueuedPerUser { get; set; } = 100;

    /// <summary>What a refused submit's Retry-After header says.</summary>
    public TimeSpan QueueFullRetryAfter { get; set; } = TimeSpan.FromSeconds(10);
}
