using System.Collections.Concurrent;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Auth;

/// <summary>
/// Turns an API key into a <see cref="Caller"/>. Verified keys are remembered for a short while
/// (<see cref="AuthOptions.KeyCacheDuration"/>) so a status poll does not cost a database read;
/// <see cref="AccessWatcher"/> empties the cache whenever users or keys change.
/// </summary>
/// <remarks>
/// The cache is keyed by the key's text, so a request with a remembered key costs one dictionary lookup and no hash
/// (the SHA-256 was 2–3 % of a status read's CPU). The text lives only in this process's memory, as it does in every
/// request that carries it; the store keeps hashes only. The dictionary's string hashing is randomized per process, and
/// only keys that verified are kept, so the cache holds at most one entry per live key.
/// </remarks>
public sealed class ApiKeyAuthenticator(IUserStore users, TimeProvider time, IOptions<AuthOptions> options)
{
    /// <summary>The longest key looked at; longer text is refused before any work.</summary>
    public const int MaxKeyLength = 200;

    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.Ordinal);
    private readonly TimeSpan _cacheDuration = options.Value.KeyCacheDuration;

    public async ValueTask<Caller?> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        if (key.Length is 0 or > MaxKeyLength)
        {
            return null;
        }

        var now = time.GetTimestamp();
        if (_cache.TryGetValue(key, out var cached) && time.GetElapsedTime(cached.VerifiedAt, now) < _cacheDuration)
        {
            return cached.Caller;
        }

        var found = await users.FindActiveApiKeyAsync(ApiKeys.Hash(key), cancellationToken);
        if (found is not { } match)
        {
            _cache.TryRemove(key, out _);
            return null;
        }

        var caller = new Caller(match.User) { KeyId = match.Key.Id };
        _cache[key] = new CacheEntry(match.Key.Id, caller, now);
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

    private sealed record CacheEntry(long KeyId, Caller Caller, long VerifiedAt);
}
