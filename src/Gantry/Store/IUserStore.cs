using Gantry.Auth;
using Gantry.Domain;

namespace Gantry.Store;

/// <summary>Users and their API keys. Keys are stored only as SHA-256 hashes.</summary>
public interface IUserStore
{
    /// <summary>Creates a user; throws <see cref="InvalidOperationException"/> if the name is taken.</summary>
    Task<User> CreateUserAsync(string name, bool isAdmin, CancellationToken cancellationToken);

    Task<User?> GetUserAsync(long id, CancellationToken cancellationToken);

    Task<User?> FindUserByNameAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<User>> ListUsersAsync(CancellationToken cancellationToken);

    /// <summary>Sets (or clears, with null) a user's scheduling overrides.</summary>
    Task<User?> UpdateUserLimitsAsync(long id, double? weight, int? maxRunning, int? maxQueued, CancellationToken cancellationToken);

    /// <summary>Stores a new key by its hash.</summary>
    Task<ApiKeyInfo> CreateApiKeyAsync(long userId, ReadOnlyMemory<byte> keyHash, string prefix, string? name, CancellationToken cancellationToken);

    /// <summary>The unrevoked key with this hash and its user, or null.</summary>
    Task<(ApiKeyInfo Key, User User)?> FindActiveApiKeyAsync(ReadOnlyMemory<byte> keyHash, CancellationToken cancellationToken);

    /// <summary>Keys of one user, or of everyone when <paramref name="userId"/> is null; revoked ones included.</summary>
    Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(long? userId, CancellationToken cancellationToken);

    /// <summary>Revokes a key; false if no unrevoked key has that id.</summary>
    Task<bool> RevokeApiKeyAsync(long keyId, long atMs, CancellationToken cancellationToken);

    /// <summary>
    /// A number that changes whenever a user is added, removed or has their admin flag or limits changed, or a key is
    /// revoked, by anyone on this database: what <see cref="AccessWatcher"/> polls.
    /// </summary>
    Task<long> GetAccessFingerprintAsync(CancellationToken cancellationToken);

    /// <summary>Raised after this store committed a key revocation or a change of a user's limits.</summary>
    event Action? AccessChanged;
}
