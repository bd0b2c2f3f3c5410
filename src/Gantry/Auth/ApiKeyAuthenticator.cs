using System.Collections.Concurrent;
using System.Security.Cryptography;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Auth;

/// <summary>
/// Turns an API key into a <see cref="Caller"/>. Verified keys are remembered for a short while
/// (<see cref="AuthOptions.KeyCacheDuration"/>) so a status poll does not cost a database read;
/// <see cref="AccessWatcher"/> empties the cache whenever users or keys change.
/// </summary>
public sealed class ApiKeyAuthenticator(IUserStore users, TimeProvider time, IOptions<AuthOptions> options)
{
    private readonly ConcurrentDictionary<UInt128, CacheEntry> _cache = new();
    private readonly TimeSpan _cacheDuration = options.Value.KeyCacheDuration;

    public async ValueTask<Caller?> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        if (key.Length is 0 or > 200)
        {
            return null;
        }

        var hash = ApiKeys.Hash(key);
        var cacheKey = CacheKeyOf(hash);
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(cacheKey, out var cached)
            && time.GetElapsedTime(cached.VerifiedAt, now) < _cacheDuration
            && CryptographicOperations.FixedTimeEquals(cached.Hash, hash))
        {
            return cached.Caller;
        }

        var found = await users.FindActiveApiKeyAsync(hash, cancellationToken);
        if (found is not { } match)
        {
            _cache.TryRemove(cacheKey, out _);
            return null;
        }

        var caller = new Caller(match.User) { KeyId = match.Key.Id };
        _cache[cacheKey] = new CacheEntry(hash, match.Key.Id, caller, now);
        return caller;
    }

    /// <summary>Forgets every verified key: users or keys changed, so each is checked against the store again.</summary>
    public void ForgetAll() => _cache.Clear();

    /// <summary>Drops a revoked key from the cache.</summary>
    public void Forget(long keyId)
    {
        foreach (var (cacheKey, entry) in _cache)
        {
            if (entry.KeyId == keyId)
            {
                _cache.TryRemove(cacheKey, out _);
            }
        }
    }

    private static UInt128 CacheKeyOf(byte[] hash) => BitConverter.ToUInt128(hash, 0);

    private sealed record CacheEntry(byte[] Hash, long KeyId, Caller Caller, long VerifiedAt);
}
