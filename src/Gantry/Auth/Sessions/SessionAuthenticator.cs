using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Auth.Sessions;

/// <summary>
/// Opens, checks and ends browser sessions. A session is opened once with an API key and stays tied to it: every check
/// reads the store (one indexed row, joined with its key and user), so a revoked key, a removed user or a sign-out on
/// any instance ends it at the next request. Idle expiry slides with use; the last use is written at most every
/// <see cref="SessionOptions.TouchInterval"/>.
/// </summary>
public sealed class SessionAuthenticator(ISessionStore store, ApiKeyAuthenticator keys, IOptions<SessionOptions> options, TimeProvider time)
{
    private readonly SessionOptions _options = options.Value;

    /// <summary>A new session for the key's user, or null when the key does not authenticate.</summary>
    public async Task<(Caller Caller, SignedInSession Session)?> SignInAsync(string apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        if (await keys.AuthenticateAsync(apiKey, cancellationToken) is not { KeyId: { } keyId } caller)
        {
            return null;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await store.DeleteExpiredSessionsAsync(now, now - (long)_options.IdleTimeout.TotalMilliseconds, cancellationToken);
        var token = SessionTokens.NewSessionToken();
        var csrf = SessionTokens.NewCsrfToken();
        var expires = now + (long)_options.AbsoluteLifetime.TotalMilliseconds;
        try
        {
            await store.CreateSessionAsync(new NewSession(SessionTokens.Hash(token), caller.UserId, keyId, csrf, now, expires), cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // The key was revoked between the check and the insert.
            return null;
        }

        return (caller, new SignedInSession(0, token, csrf, expires, IdleEnd(now, expires)));
    }

    /// <summary>The caller and session behind a session token, or null when it is unknown, expired, or its key revoked.</summary>
    public async Task<(Caller Caller, SignedInSession Session)?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length is 0 or > SessionTokens.MaxLength || !token.StartsWith(SessionTokens.Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = SessionTokens.Hash(token);
        if (await store.FindSessionAsync(hash, cancellationToken) is not { } found)
        {
            return null;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now >= found.ExpiresAtMs || now - found.LastSeenAtMs >= (long)_options.IdleTimeout.TotalMilliseconds)
        {
            await store.DeleteSessionAsync(hash, cancellationToken);
            return null;
        }

        if (now - found.LastSeenAtMs >= (long)_options.TouchInterval.TotalMilliseconds)
        {
            await store.TouchSessionAsync(found.Id, now, cancellationToken);
        }

        var caller = new Caller(found.User) { KeyId = found.KeyId };
        return (caller, new SignedInSession(found.Id, token, found.CsrfToken, found.ExpiresAtMs, IdleEnd(now, found.ExpiresAtMs)));
    }

    /// <summary>Ends the session with this token; false if there was none.</summary>
    public Task<bool> SignOutAsync(string token, CancellationToken cancellationToken)
        => store.DeleteSessionAsync(SessionTokens.Hash(token), cancellationToken);

    private long IdleEnd(long now, long expires) => Math.Min(expires, now + (long)_options.IdleTimeout.TotalMilliseconds);
}
