using System.ComponentModel.DataAnnotations;

namespace Gantry.Auth.Sessions;

/// <summary>Browser sign-in sessions (dashboard and editor): the <c>Gantry:Sessions</c> section.</summary>
public sealed class SessionOptions
{
    public const string SectionName = "Gantry:Sessions";

    /// <summary>A session unused this long ends (sliding: every use moves it on).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A session ends this long after sign-in, however much it is used; at least <see cref="IdleTimeout"/>.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Sign-in attempts one client address may make per minute (a token bucket); over it 429. 0 = no limit.</summary>
    [Range(0, 100_000)]
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>
    /// Whether a cookie-authenticated write the browser itself marks as same-origin (<c>Sec-Fetch-Site: same-origin</c>,
    /// or an <c>Origin</c> naming this host) passes the CSRF check without the <c>X-CSRF-Token</c> header: what lets a page
    /// that cannot add the header (the ComfyUI editor) write. Cross-site and same-site requests never pass this way.
    /// </summary>
    public bool AcceptSameOriginRequests { get; set; } = true;

    /// <summary>How often a session's last use is written (at most): a tenth of the idle timeout, at most a minute.</summary>
    internal TimeSpan TouchInterval => TimeSpan.FromTicks(Math.Min(IdleTimeout.Ticks / 10, TimeSpan.FromMinutes(1).Ticks));
}
