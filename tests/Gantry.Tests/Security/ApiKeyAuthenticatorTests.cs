using System.Reflection;
using Gantry.Auth;
using Gantry.Store;
using Gantry.Store.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gantry.Tests.Security;

/// <summary>
/// The verified-key cache: a key that verified is answered from memory until the cache duration passes or access
/// changes; a key that did not verify is never remembered, and no text near a remembered key passes for it.
/// </summary>
public sealed class ApiKeyAuthenticatorTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gantry-auth-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000));
    private SqliteGantryStore _store = null!;
    private CountingUserStore _counting = null!;
    private ApiKeyAuthenticator _authenticator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteGantryStore(Path.Combine(_folder, "gantry.db"));
        await _store.InitializeAsync(Ct);
        _counting = CountingUserStore.Over(_store);
        _authenticator = new ApiKeyAuthenticator(
            (IUserStore)_counting, _time, Options.Create(new AuthOptions { KeyCacheDuration = TimeSpan.FromSeconds(30) }));
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_verified_key_is_answered_from_memory_until_the_cache_duration_passes()
    {
        var (key, keyId) = await NewKeyAsync();

        (await _authenticator.AuthenticateAsync(key, Ct)).ShouldNotBeNull().KeyId.ShouldBe(keyId);
        (await _authenticator.AuthenticateAsync(key, Ct)).ShouldNotBeNull().KeyId.ShouldBe(keyId);
        _counting.Lookups.ShouldBe(1);

        _time.Advance(TimeSpan.FromSeconds(31));
        (await _authenticator.AuthenticateAsync(key, Ct)).ShouldNotBeNull();
        _counting.Lookups.ShouldBe(2);
    }

    [Fact]
    public async Task A_wrong_key_is_never_remembered_and_nothing_near_a_remembered_key_passes()
    {
        var (key, _) = await NewKeyAsync();
        (await _authenticator.AuthenticateAsync(key, Ct)).ShouldNotBeNull();

        string[] near = [key[..^1], key + "x", key.ToUpperInvariant(), " " + key, key[..^1] + (key[^1] == 'A' ? 'B' : 'A')];
        foreach (var guess in near)
        {
            (await _authenticator.AuthenticateAsync(guess, Ct)).ShouldBeNull(guess);
            (await _authenticator.AuthenticateAsync(guess, Ct)).ShouldBeNull(guess);
        }

        _counting.Lookups.ShouldBe(1 + 2 * near.Length);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_once_it_is_forgotten()
    {
        var (key, keyId) = await NewKeyAsync();
        (await _authenticator.AuthenticateAsync(key, Ct)).ShouldNotBeNull();
        (await _store.RevokeApiKeyAsync(keyId, 1, Ct)).ShouldBeTrue();

        _authenticator.Forget(keyId);

        (await _authenticator.AuthenticateAsync(key, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Forgetting_all_asks_the_store_again()
    {
        var (key, _) = await NewKeyAsync();
        (await _authenticator.AuthenticateAsync(key, Ct)).ShouldNotBeNull();

        _authenticator.ForgetAll();

        (await _authenticator.AuthenticateAsync(key, Ct)).ShouldNotBeNull();
        _counting.Lookups.ShouldBe(2);
    }

    [Fact]
    public async Task An_empty_or_overlong_key_is_refused_without_asking_the_store()
    {
        (await _authenticator.AuthenticateAsync("", Ct)).ShouldBeNull();
        (await _authenticator.AuthenticateAsync(new string('k', ApiKeyAuthenticator.MaxKeyLength + 1), Ct)).ShouldBeNull();

        _counting.Lookups.ShouldBe(0);
    }

    private async Task<(string Key, long KeyId)> NewKeyAsync()
    {
        var user = await _store.CreateUserAsync("user-" + Guid.NewGuid().ToString("N")[..8], isAdmin: false, Ct);
        var key = ApiKeys.Generate();
        var info = await _store.CreateApiKeyAsync(user.Id, ApiKeys.Hash(key), ApiKeys.DisplayPrefix(key), "test", Ct);
        return (key, info.Id);
    }

    /// <summary>The store, counting how often a key is looked up.</summary>
    public class CountingUserStore : DispatchProxy
    {
        private IUserStore _inner = null!;
        private int _lookups;

        public int Lookups => Volatile.Read(ref _lookups);

        public static CountingUserStore Over(IUserStore inner)
        {
            var proxy = Create<IUserStore, CountingUserStore>();
            var counting = (CountingUserStore)(object)proxy;
            counting._inner = inner;
            return counting;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IUserStore.FindActiveApiKeyAsync))
            {
                Interlocked.Increment(ref _lookups);
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }
}
