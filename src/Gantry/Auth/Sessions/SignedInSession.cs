namespace Gantry.Auth.Sessions;

/// <summary>
/// The session behind a request authenticated by the session cookie (an <see cref="HttpContext"/> feature; absent
/// for API-key and no-auth requests). A class, not a record: its token must never be printed.
/// </summary>
public sealed class SignedInSession(long id, string token, string csrfToken, long expiresAtMs, long idleExpiresAtMs)
{
    public long Id { get; } = id;

    /// <summary>The cookie's value (a secret).</summary>
    public string Token { get; } = token;

    /// <summary>What a cookie-authenticated write sends as <c>X-CSRF-Token</c>.</summary>
    public string CsrfToken { get; } = csrfToken;

    /// <summary>When the session ends however much it is used (Unix ms).</summary>
    public long ExpiresAtMs { get; } = expiresAtMs;

    /// <summary>When the session ends if it is not used again (Unix ms).</summary>
    public long IdleExpiresAtMs { get; } = idleExpiresAtMs;

    public override string ToString() => $"session {Id}";
}
