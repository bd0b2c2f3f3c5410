using System.ComponentModel.DataAnnotations;

namespace Gantry.Auth;

/// <summary>
/// Guards against abuse by one key or one user, and against unsafe start-up: the <c>Gantry:Security</c> section.
/// SECURITY.md lists every bound with its setting.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Gantry:Security";

    /// <summary>
    /// Lets <c>--no-auth</c> (<c>Gantry:Auth:Enabled=false</c>) listen on an address other than loopback
    /// (<c>gantry serve --allow-remote-no-auth</c>). Off: such a start is refused, since everyone who can reach the
    /// port would be admin.
    /// </summary>
    public bool AllowRemoteNoAuth { get; set; }

    /// <summary>Most <c>/ws</c> sockets one user may hold open at once; one more is refused with 429. 0 for no limit.</summary>
    [Range(0, int.MaxValue)]
    public int MaxSocketsPerUser { get; set; } = 32;

    /// <summary>
    /// Sustained requests per second one API key may make (a token bucket refilled every 100 ms); over it, 429 with
    /// Retry-After. 0 turns the limit off. Default 200: far above what a client, a dashboard or an agent does, low
    /// enough that one runaway key cannot take the whole process.
    /// </summary>
    [Range(0, 1_000_000)]
    public int RequestsPerSecondPerKey { get; set; } = 200;

    /// <summary>Requests one key may make at once above the sustained rate (the bucket's size).</summary>
    [Range(1, 10_000_000)]
    public int RequestBurstPerKey { get; set; } = 400;

    /// <summary>
    /// How often this instance looks for keys revoked, users removed or limits changed by another process (the CLI,
    /// another instance); open sockets of a revoked key are closed then. Changes made through this instance apply at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
