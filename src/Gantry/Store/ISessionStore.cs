using Gantry.Auth;

namespace Gantry.Store;

/// <summary>
/// Browser sign-in sessions (the dashboard's and the editor's cookie): stored by the hash of their token, tied to the
/// API key they were opened with, so a revoked key or a removed user ends them on every instance.
/// </summary>
public interface ISessionStore
{
    /// <summary>Stores a new session; throws <see cref="InvalidOperationException"/> if its key is gone or revoked.</summary>
    Task CreateSessionAsync(NewSession session, CancellationToken cancellationToken);

    /// <summary>The session with this token hash whose key is unrevoked, with its user; null otherwise.</summary>
    Task<StoredSession?> FindSessionAsync(ReadOnlyMemory<byte> tokenHash, CancellationToken cancellationToken);

    /// <summary>Records that the session was used at <paramref name="atMs"/> (what idle expiry counts from).</summary>
    Task TouchSessionAsync(long sessionId, long atMs, CancellationToken cancellationToken);

    /// <summary>Ends one session (sign-out); false if there was none with this hash.</summary>
    Task<bool> DeleteSessionAsync(ReadOnlyMemory<byte> tokenHash, CancellationToken cancellationToken);

    /// <summary>Deletes sessions past their absolute expiry, or unused since <paramref name="idleCutoffMs"/>; returns how many.</summary>
    Task<int> DeleteExpiredSessionsAsync(long nowMs, long idleCutoffMs, CancellationToken cancellationToken);
}

/// <summary>A session to store: only the hash of its token, never the token.</summary>
public sealed record NewSession(byte[] TokenHash, long UserId, long KeyId, string CsrfToken, long CreatedAtMs, long ExpiresAtMs);

/// <summary>A stored session and its user, as a lookup finds it.</summary>
public sealed record StoredSession(long Id, User User, long KeyId, string CsrfToken, long CreatedAtMs, long LastSeenAtMs, long ExpiresAtMs);
