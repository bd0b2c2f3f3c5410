using Gantry.Assets;
using Gantry.Outputs;
using Gantry.Store;
using Gantry.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Gantry.Tests.Assets;

/// <summary>The asset store on a real server's store (SQLite and PostgreSQL): hashing, dedup, ownership, deletion, listing.</summary>
public abstract class AssetStoreTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IAssetStore Assets => Server.GetService<IAssetStore>();

    private ContentStore Blobs => Server.GetService<ContentStore>();

    [Fact]
    public async Task Content_is_hashed_with_sha256_and_blake3_and_stored_once_for_two_users()
    {
        using var alice = await Server.CreateUserAsync();
        using var bob = await Server.CreateUserAsync();
        var bytes = RandomBytes(300_000);

        var first = await Assets.IngestAsync(new MemoryStream(bytes), long.MaxValue, Ct);
        first.Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        first.Blake3.ShouldBe(Convert.ToHexStringLower(Blake3.Hasher.Hash(bytes).AsSpan()));
        first.Size.ShouldBe(bytes.Length);
        var a = await Assets.CreateAsync(alice.User.Id, new AssetDraft { Name = "a.bin", Tags = ["input"] }, first, Ct);
        a.CreatedNew.ShouldBeTrue();

        var second = await Assets.IngestAsync(new MemoryStream(bytes), long.MaxValue, Ct);
        second.IsNew.ShouldBeFalse();
        var b = await Assets.CreateAsync(bob.User.Id, new AssetDraft { Name = "b.bin" }, second, Ct);
        b.Asset.Id.ShouldNotBe(a.Asset.Id);
        b.Asset.Hash.ShouldBe("blake3:" + first.Blake3);

        (await Assets.GetAsync(bob.User.Id, a.Asset.Id, Ct)).ShouldBeNull();
        (await Assets.IsOwnedByAsync(bob.User.Id, a.Asset.Id, Ct)).ShouldBeFalse();
        (await Assets.IsOwnedByAsync(alice.User.Id, a.Asset.Id, Ct)).ShouldBeTrue();
        (await Assets.DeleteAsync(bob.User.Id, a.Asset.Id, Ct)).ShouldBeFalse();

        // Deleting one owner's asset keeps the bytes for the other; the last one takes them away.
        (await Assets.DeleteAsync(alice.User.Id, a.Asset.Id, Ct)).ShouldBeTrue();
        Blobs.Contains(first.Sha256).ShouldBeTrue();
        var content = await Assets.OpenContentAsync(bob.User.Id, b.Asset.Id, Ct);
        (await File.ReadAllBytesAsync(content!.Path, Ct)).ShouldBe(bytes);
        (await Assets.DeleteAsync(bob.User.Id, b.Asset.Id, Ct)).ShouldBeTrue();
        Blobs.Contains(first.Sha256).ShouldBeFalse();
        (await Assets.DeleteAsync(bob.User.Id, b.Asset.Id, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Content_over_the_bound_is_refused_and_nothing_is_left()
    {
        var incoming = Path.Combine(Server.DataDirectory, "blobs", "incoming");
        var before = Directory.GetFiles(incoming).Length;
        await Should.ThrowAsync<AssetTooLargeException>(() => Assets.IngestAsync(new MemoryStream(RandomBytes(1001)), 1000, Ct));
        Directory.GetFiles(incoming).Length.ShouldBe(before);
    }

    [Fact]
    public async Task A_hash_is_mintable_only_by_users_who_own_an_asset_over_it()
    {
        using var alice = await Server.CreateUserAsync();
        using var bob = await Server.CreateUserAsync();
        var blob = await Assets.IngestAsync(new MemoryStream(RandomBytes(100)), long.MaxValue, Ct);
        await Assets.CreateAsync(alice.User.Id, new AssetDraft { Name = "x" }, blob, Ct);
        var blake = new AssetHash(AssetHashKind.Blake3, blob.Blake3);
        var sha = new AssetHash(AssetHashKind.Sha256, blob.Sha256);

        (await Assets.FindMintableBlobAsync(alice.User.Id, blake, Ct)).ShouldNotBeNull().Sha256.ShouldBe(blob.Sha256);
        (await Assets.FindMintableBlobAsync(alice.User.Id, sha, Ct)).ShouldNotBeNull();
        (await Assets.FindMintableBlobAsync(bob.User.Id, blake, Ct)).ShouldBeNull();
        (await Assets.FindByHashAsync(bob.User.Id, blake, null, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_client_chosen_id_is_idempotent_for_its_owner_and_refused_to_others()
    {
        using var alice = await Server.CreateUserAsync();
        using var bob = await Server.CreateUserAsync();
        var blob = await Assets.IngestAsync(new MemoryStream(RandomBytes(10)), long.MaxValue, Ct);
        var id = Guid.NewGuid();
        (await Assets.CreateAsync(alice.User.Id, new AssetDraft { Id = id, Name = "x" }, blob, Ct)).CreatedNew.ShouldBeTrue();
        var again = await Assets.CreateAsync(alice.User.Id, new AssetDraft { Id = id, Name = "other" }, blob, Ct);
        again.CreatedNew.ShouldBeFalse();
        again.Asset.Name.ShouldBe("x");
        await Should.ThrowAsync<AssetIdTakenException>(() => Assets.CreateAsync(bob.User.Id, new AssetDraft { Id = id, Name = "x" }, blob, Ct));
    }

    [Fact]
    public async Task Listing_filters_by_tags_name_and_metadata_and_sorts_and_pages()
    {
        using var user = await Server.CreateUserAsync();
        var id = user.User.Id;
        await CreateAsync(id, "Cat.PNG", ["input", "animal"], """{"kind":"cat","n":1}""");
        await CreateAsync(id, "dog.png", ["input", "animal", "big"], """{"kind":"dog"}""");
        await CreateAsync(id, "model_100%.safetensors", ["models"], null);

        async Task<string[]> Names(AssetFilter filter, AssetSort sort = AssetSort.Name, bool descending = false, int limit = 10, int offset = 0) =>
            [.. (await Assets.ListAsync(id, new AssetQuery(filter, sort, descending, limit, offset), Ct)).Assets.Select(a => a.Name)];

        (await Names(new AssetFilter())).ShouldBe(["Cat.PNG", "dog.png", "model_100%.safetensors"]);
        (await Names(new AssetFilter { IncludeTags = ["input", "big"] })).ShouldBe(["dog.png"]);
        (await Names(new AssetFilter { ExcludeTags = ["big", "models"] })).ShouldBe(["Cat.PNG"]);
        (await Names(new AssetFilter { NameContains = "CAT" })).ShouldBe(["Cat.PNG"]);
        (await Names(new AssetFilter { NameContains = "%" })).ShouldBe(["model_100%.safetensors"]);
        (await Names(new AssetFilter { NameContains = "_" })).ShouldBe(["model_100%.safetensors"]);
        (await Names(new AssetFilter { Metadata = [new("kind", "\"dog\"")] })).ShouldBe(["dog.png"]);
        (await Names(new AssetFilter { Metadata = [new("n", "1"), new("kind", "\"cat\"")] })).ShouldBe(["Cat.PNG"]);
        (await Names(new AssetFilter(), AssetSort.CreatedAt, descending: true)).ShouldBe(["model_100%.safetensors", "dog.png", "Cat.PNG"]);
        (await Names(new AssetFilter(), AssetSort.Name, limit: 1, offset: 1)).ShouldBe(["dog.png"]);
        (await Assets.ListAsync(id, new AssetQuery(new AssetFilter(), AssetSort.Name, false, 1, 0), Ct)).Total.ShouldBe(3);

        var tags = await Assets.ListTagsAsync(id, new TagQuery(null, ByName: false, 10, 0), Ct);
        tags.Tags.Select(t => (t.Tag, t.Count)).ShouldBe([("animal", 2L), ("input", 2L), ("big", 1L), ("models", 1L)]);
        (await Assets.ListTagsAsync(id, new TagQuery("an", ByName: true, 10, 0), Ct)).Tags.Select(t => t.Tag).ShouldBe(["animal"]);
        var histogram = await Assets.TagHistogramAsync(id, new AssetFilter { IncludeTags = ["animal"] }, 10, Ct);
        histogram.Select(t => (t.Tag, t.Count)).ShouldBe([("animal", 2L), ("input", 2L), ("big", 1L)]);

        using var other = await Server.CreateUserAsync();
        (await Assets.ListAsync(other.User.Id, new AssetQuery(new AssetFilter(), AssetSort.Name, false, 10, 0), Ct)).Total.ShouldBe(0);
        (await Assets.ListTagsAsync(other.User.Id, new TagQuery(null, false, 10, 0), Ct)).Total.ShouldBe(0);
    }

    [Fact]
    public async Task Tags_are_added_and_removed_within_the_bound()
    {
        using var user = await Server.CreateUserAsync();
        var asset = await CreateAsync(user.User.Id, "t.png", ["a"], null);
        var added = await Assets.AddTagsAsync(user.User.Id, asset.Id, ["a", "b"], Ct);
        added!.Changed.ShouldBe(["b"]);
        added.Unchanged.ShouldBe(["a"]);
        added.Tags.ShouldBe(["a", "b"]);
        var removed = await Assets.RemoveTagsAsync(user.User.Id, asset.Id, ["a", "zz"], Ct);
        removed!.Changed.ShouldBe(["a"]);
        removed.Unchanged.ShouldBe(["zz"]);
        (await Assets.GetAsync(user.User.Id, asset.Id, Ct))!.Tags.ShouldBe(["b"]);
        var max = Server.GetService<IOptions<AssetOptions>>().Value.MaxTags;
        await Should.ThrowAsync<TooManyTagsException>(() => Assets.AddTagsAsync(user.User.Id, asset.Id, [.. Enumerable.Range(0, max).Select(i => $"t{i}")], Ct));
        (await Assets.GetAsync(user.User.Id, asset.Id, Ct))!.Tags.ShouldBe(["b"]);
    }

    [Fact]
    public async Task An_asset_is_materialized_into_its_owners_input_folder_for_workers()
    {
        using var user = await Server.CreateUserAsync();
        var bytes = RandomBytes(5000);
        var blob = await Assets.IngestAsync(new MemoryStream(bytes), long.MaxValue, Ct);
        var asset = (await Assets.CreateAsync(user.User.Id, new AssetDraft { Name = "photo one.png" }, blob, Ct)).Asset;
        var inputs = Server.GetService<AssetInputs>();
        var name = await inputs.MaterializeAsync(user.User.Id, asset.Id, Ct);
        name.ShouldBe($"_assets/{asset.Id:D}/photo one.png");
        var data = Server.GetService<IOptions<DataOptions>>().Value;
        var path = Path.Combine(UserFiles.InputDirectory(data, user.User.Id), name!);
        (await File.ReadAllBytesAsync(path, Ct)).ShouldBe(bytes);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).ShouldBe(DataFolder.FileMode);
        }

        using var other = await Server.CreateUserAsync();
        (await inputs.MaterializeAsync(other.User.Id, asset.Id, Ct)).ShouldBeNull();
    }

    private async Task<Asset> CreateAsync(long userId, string name, string[] tags, string? metadata)
    {
        var blob = await Assets.IngestAsync(new MemoryStream(RandomBytes(64)), long.MaxValue, Ct);
        return (await Assets.CreateAsync(userId, new AssetDraft { Name = name, Tags = tags, UserMetadata = metadata }, blob, Ct)).Asset;
    }

    private static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);
}

public sealed class AssetStoreSqliteTests(SqliteServerFixture fixture) : AssetStoreTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class AssetStorePostgresTests(PostgresServerFixture fixture) : AssetStoreTests(fixture), IClassFixture<PostgresServerFixture>;
