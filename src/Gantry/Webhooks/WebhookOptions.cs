using System.ComponentModel.DataAnnotations;

namespace Gantry.Webhooks;

/// <summary>Webhook deliveries (the <c>Gantry:Webhooks</c> section).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Gantry:Webhooks";

    /// <summary>Deliver to loopback, private and link-local addresses too (a receiver on the same host or network). Off by default.</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How long one delivery attempt may take, connect to last byte.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Standard Webhooks' retry schedule, used when <see cref="RetryDelays"/> is empty.</summary>
    public static readonly TimeSpan[] DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10),
    ];

    /// <summary>
    /// The wait before each retry after a failed attempt (the last one repeats); empty for <see cref="DefaultRetryDelays"/>.
    /// A delivery is given up once <see cref="RetryWindow"/> has passed since its event.
    /// </summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    /// <summary>How long a delivery is retried before it is marked failed.</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the sender looks for due deliveries when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed delivery stays with the instance that claimed it; past it another instance may send it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most endpoints one user may register.</summary>
    [Range(1, 1000)]
    public int MaxEndpointsPerUser { get; set; } = 20;

    /// <summary>Most deliveries sent at once by one instance.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;
}
