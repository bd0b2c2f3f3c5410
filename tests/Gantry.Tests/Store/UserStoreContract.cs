using System.Security.Cryptography;
using System.Text;

namespace Gantry.Tests.Store;

/// <summary>Users, their scheduling overrides and their API keys (stored as hashes).</summary>
public abstract class UserStoreContract(StoreBackend backend) : StoreTestBase(backend)
{
    [Fact]
    public async Task A_user_is_created_with_the_clocks_time_and_found_by_id_and_name()
    {
        var name = "alice-" + Guid.NewGuid().ToString("N")[..8];

        var user = await Store.CreateUserAsync(name, isAdmin: true, Ct);

        user.Name.ShouldBe(name);
        user.IsAdmin.ShouldBeTrue();
        user.CreatedAtMs.ShouldBe(Now.ToUnixTimeMilliseconds());
        user.Weight.ShouldBeNull();
        user.MaxRunning.ShouldBeNull();
        user.MaxQueued.ShouldBeNull();
        (await Store.GetUserAsync(user.Id, Ct)).ShouldBe(user);
        (await Store.FindUserByNameAsync(name, Ct)).ShouldBe(user);
        (await Store.FindUserByNameAsync(name.ToUpperInvariant(), Ct)).ShouldBeNull();
        (await Store.GetUserAsync(-1, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_taken_name_is_refused()
    {
        var user = await NewUserAsync();

        await Should.ThrowAsync<InvalidOperationException>(() => Store.CreateUserAsync(user.Name, isAdmin: false, Ct));

        (await Store.ListUsersAsync(Ct)).Count(u => u.Name == user.Name).ShouldBe(1);
    }

    [Fact]
    public async Task Users_are_listed_in_creation_order()
    {
        var first = await NewUserAsync();
        var second = await NewUserAsync(isAdmin: true);

        var users = await Store.ListUsersAsync(Ct);

        users.Where(u => u.Id == first.Id || u.Id == second.Id).ShouldBe([first, second]);
        users.Select(u => u.Id).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Fact]
    public async Task Limits_are_set_and_cleared()
    {
        var user = await NewUserAsync();

        var limited = await Store.UpdateUserLimitsAsync(user.Id, weight: 2.5, maxRunning: 3, maxQueued: 100, Ct);
        limited.ShouldBe(user with { Weight = 2.5, MaxRunning = 3, MaxQueued = 100 });
        (await Store.GetUserAsync(user.Id, Ct)).ShouldBe(limited);

        var cleared = await Store.UpdateUserLimitsAsync(user.Id, null, null, null, Ct);
        cleared.ShouldBe(user);
        (await Store.UpdateUserLimitsAsync(-5, 1, 1, 1, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_key_is_found_by_its_hash_with_its_user()
    {
        var user = await NewUserAsync();
        var hash = Hash("gk_secret_" + Guid.NewGuid());

        var key = await Store.CreateApiKeyAsync(user.Id, hash, "gk_3fA9", "laptop", Ct);

        key.UserId.ShouldBe(user.Id);
        key.Prefix.ShouldBe("gk_3fA9");
        key.Name.ShouldBe("laptop");
        key.CreatedAtMs.ShouldBe(Now.ToUnixTimeMilliseconds());
        key.IsRevoked.ShouldBeFalse();
        var found = (await Store.FindActiveApiKeyAsync(hash, Ct)).ShouldNotBeNull();
        found.Key.ShouldBe(key);
        found.User.ShouldBe(user);
        (await Store.FindActiveApiKeyAsync(Hash("another key"), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_revoked_key_is_not_found_and_cannot_be_revoked_twice()
    {
        var user = await NewUserAsync();
        var hash = Hash("gk_revoke_" + Guid.NewGuid());
        var key = await Store.CreateApiKeyAsync(user.Id, hash, "gk_r", null, Ct);

        (await Store.RevokeApiKeyAsync(key.Id, 4_242, Ct)).ShouldBeTrue();

        (await Store.FindActiveApiKeyAsync(hash, Ct)).ShouldBeNull();
        (await Store.RevokeApiKeyAsync(key.Id, 5_000, Ct)).ShouldBeFalse();
        (await Store.RevokeApiKeyAsync(-1, 5_000, Ct)).ShouldBeFalse();
        var listed = (await Store.ListApiKeysAsync(user.Id, Ct)).ShouldHaveSingleItem();
        listed.RevokedAtMs.ShouldBe(4_242);
        listed.IsRevoked.ShouldBeTrue();
    }

    [Fact]
    public async Task Keys_are_listed_per_user_or_for_everyone()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var a1 = await Store.CreateApiKeyAsync(alice.Id, Hash("a1" + Guid.NewGuid()), "gk_a1", "one", Ct);
        var b1 = await Store.CreateApiKeyAsync(bob.Id, Hash("b1" + Guid.NewGuid()), "gk_b1", null, Ct);
        var a2 = await Store.CreateApiKeyAsync(alice.Id, Hash("a2" + Guid.NewGuid()), "gk_a2", "two", Ct);

        (await Store.ListApiKeysAsync(alice.Id, Ct)).ShouldBe([a1, a2]);
        (await Store.ListApiKeysAsync(bob.Id, Ct)).ShouldBe([b1]);
        (await Store.ListApiKeysAsync(null, Ct)).Where(k => k.UserId == alice.Id || k.UserId == bob.Id).ShouldBe([a1, b1, a2]);
    }

    [Fact]
    public async Task A_key_for_an_unknown_user_or_a_stored_hash_is_refused()
    {
        var user = await NewUserAsync();
        var hash = Hash("dup" + Guid.NewGuid());
        await Store.CreateApiKeyAsync(user.Id, hash, "gk_d", null, Ct);

        await Should.ThrowAsync<InvalidOperationException>(() => Store.CreateApiKeyAsync(user.Id, hash, "gk_d2", null, Ct));
        await Should.ThrowAsync<InvalidOperationException>(() => Store.CreateApiKeyAsync(-7, Hash("x" + Guid.NewGuid()), "gk_x", null, Ct));
        (await Store.ListApiKeysAsync(user.Id, Ct)).Count.ShouldBe(1);
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
