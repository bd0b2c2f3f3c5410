using System.ComponentModel.DataAnnotations;

namespace Gantry.Api.V2;

/// <summary>Settings of Comfy API v2 (the <c>Gantry:V2</c> section).</summary>
public sealed class V2Options
{
    public const string SectionName = "Gantry:V2";

    /// <summary>
    /// How long a job stays retrievable through v2 after it was created: its <c>expires_at</c>. A finished job past it
    /// answers 404 on every v2 job route; a job still waiting past it shows <c>expired</c>.
    /// </summary>
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long an asset uploaded through v2 is kept when the request names no <c>expires_in</c>: its <c>expires_at</c>.
    /// Null (the default): uploads do not expire. An asset past its deadline answers 404 on every v2 route and cannot be
    /// referenced by a job.
    /// </summary>
    public TimeSpan? AssetRetention { get; set; }

    /// <summary>How often an open event stream gets a keep-alive comment (and re-reads the job from the store).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Least time between two <c>progress</c> events of one stream (the spec: about 2 per second).</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most event streams one user may have open at once; one more is refused with 429 <c>too_many_streams</c>.</summary>
    [Range(1, 10_000)]
    public int MaxStreamsPerUser { get; set; } = 32;

    /// <summary>Longest accepted <c>Idempotency-Key</c>, in characters.</summary>
    [Range(1, 1024)]
    public int MaxIdempotencyKeyLength { get; set; } = 255;
}
