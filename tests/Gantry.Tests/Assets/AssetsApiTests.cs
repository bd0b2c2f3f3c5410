using System.Net;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Assets;

/// <summary>
/// Every Cloud assets route through real HTTP on both stores, each answer validated against the Cloud spec
/// (<see cref="AssetApiClient"/>): upload and dedup, get, update, delete, tags, from-hash, hash check, listing, tag lists.
/// </summary>
public abstract class AssetsApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    private static readonly string Unknown = Guid.NewGuid().ToString("D");

    [Fact]
    public async Task An_upload_is_a_new_asset_and_the_same_bytes_again_return_it()
    {
        using var user = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var bytes = AssetApiClient.RandomBytes(2000);
        var created = await api.UploadAsync(bytes, "cat.png", HttpStatusCode.Created, ("tags", "input,animal"), ("user_metadata", """{"source":"test"}"""));
        created.GetProperty("created_new").GetBoolean().ShouldBeTrue();
        created.GetProperty("name").GetString().ShouldBe("cat.png");
        created.GetProperty("size").GetInt64().ShouldBe(bytes.Length);
        created.GetProperty("mime_type").GetString().ShouldBe("image/png");
        created.GetProperty("asset_hash").GetString().ShouldBe("blake3:" + Convert.ToHexStringLower(Blake3.Hasher.Hash(bytes).AsSpan()));
        created.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["animal", "input"]);
        created.GetProperty("user_metadata").GetProperty("source").GetString().ShouldBe("test");

        var again = await api.UploadAsync(bytes, "other.png", HttpStatusCode.OK);
        again.GetProperty("created_new").GetBoolean().ShouldBeFalse();
        again.GetProperty("id").GetString().ShouldBe(created.GetProperty("id").GetString());

        // The preview link is signed and serves the bytes without a key.
        using var anonymous = new HttpClient();
        (await anonymous.GetByteArrayAsync(created.GetProperty("preview_url").GetString(), TestContext.Current.CancellationToken)).ShouldBe(bytes);

        // Another user uploading the same bytes gets their own asset; the blob is stored once.
        using var other = await Server.CreateUserAsync();
        var theirs = await new AssetApiClient(other.Client).UploadAsync(bytes, "cat.png", HttpStatusCode.Created);
        theirs.GetProperty("id").GetString().ShouldNotBe(created.GetProperty("id").GetString());
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Directory.GetFiles(Path.Combine(Server.DataDirectory, "blobs", sha[..2]), sha).Length.ShouldBe(1);
    }

    [Fact]
    public async Task A_client_chosen_id_makes_an_upload_idempotent()
    {
        using var user = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var id = Guid.NewGuid().ToString("D");
        (await api.UploadAsync(AssetApiClient.RandomBytes(10), "a.bin", HttpStatusCode.Created, ("id", id))).GetProperty("id").GetString().ShouldBe(id);
        (await api.UploadAsync(AssetApiClient.RandomBytes(10), "b.bin", HttpStatusCode.OK, ("id", id))).GetProperty("name").GetString().ShouldBe("a.bin");
        using var other = await Server.CreateUserAsync();
        await new AssetApiClient(other.Client).UploadAsync(AssetApiClient.RandomBytes(10), "c.bin", HttpStatusCode.BadRequest, ("id", id));
    }

    [Fact]
    public async Task Get_update_and_delete_are_the_owners_alone()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var stranger = new AssetApiClient(other.Client);
        var id = (await api.UploadAsync(AssetApiClient.RandomBytes(100), "x.png")).GetProperty("id").GetString();

        (await api.GetAsync($"api/assets/{id}", "/api/assets/{id}")).GetProperty("id").GetString().ShouldBe(id);
        await stranger.GetAsync($"api/assets/{id}", "/api/assets/{id}", HttpStatusCode.NotFound);
        await api.GetAsync($"api/assets/{Unknown}", "/api/assets/{id}", HttpStatusCode.NotFound);
        await api.GetAsync("api/assets/not-a-uuid", "/api/assets/{id}", HttpStatusCode.NotFound);

        var updated = await api.JsonAsync(HttpMethod.Put, $"api/assets/{id}", """{"name":"renamed.png","tags":["b","a"],"user_metadata":{"k":[1,2]}}""",
            "/api/assets/{id}", HttpStatusCode.OK);
        updated.GetProperty("name").GetString().ShouldBe("renamed.png");
        updated.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["a", "b"]);
        updated.GetProperty("user_metadata").GetProperty("k").GetArrayLength().ShouldBe(2);
        await api.JsonAsync(HttpMethod.Put, $"api/assets/{id}", "{}", "/api/assets/{id}", HttpStatusCode.BadRequest);
        await api.JsonAsync(HttpMethod.Put, $"api/assets/{id}", """{"unknown":1}""", "/api/assets/{id}", HttpStatusCode.BadRequest);
        await api.JsonAsync(HttpMethod.Put, $"api/assets/{id}", """{"name":5}""", "/api/assets/{id}", HttpStatusCode.BadRequest);
        await stranger.JsonAsync(HttpMethod.Put, $"api/assets/{id}", """{"name":"mine.png"}""", "/api/assets/{id}", HttpStatusCode.NotFound);

        await stranger.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/assets/{id}"), "/api/assets/{id}", HttpStatusCode.NotFound);
        await api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/assets/{id}"), "/api/assets/{id}", HttpStatusCode.NoContent);
        await api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/assets/{id}"), "/api/assets/{id}", HttpStatusCode.NotFound);
        await api.GetAsync($"api/assets/{id}", "/api/assets/{id}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Tags_are_added_and_removed()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var id = (await api.UploadAsync(AssetApiClient.RandomBytes(100), "t.png", HttpStatusCode.Created, ("tags", """["input"]"""))).GetProperty("id").GetString();
        var added = await api.JsonAsync(HttpMethod.Post, $"api/assets/{id}/tags", """{"tags":["input","lora"]}""", "/api/assets/{id}/tags", HttpStatusCode.OK);
        added.GetProperty("added").EnumerateArray().Select(t => t.GetString()).ShouldBe(["lora"]);
        added.GetProperty("already_present").EnumerateArray().Select(t => t.GetString()).ShouldBe(["input"]);
        added.GetProperty("total_tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["input", "lora"]);
        var removed = await api.JsonAsync(HttpMethod.Delete, $"api/assets/{id}/tags", """{"tags":["input","nope"]}""", "/api/assets/{id}/tags", HttpStatusCode.OK);
        removed.GetProperty("removed").EnumerateArray().Select(t => t.GetString()).ShouldBe(["input"]);
        removed.GetProperty("not_present").EnumerateArray().Select(t => t.GetString()).ShouldBe(["nope"]);
        removed.GetProperty("total_tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["lora"]);

        await api.JsonAsync(HttpMethod.Post, $"api/assets/{id}/tags", """{"tags":[]}""", "/api/assets/{id}/tags", HttpStatusCode.BadRequest);
        await api.JsonAsync(HttpMethod.Post, $"api/assets/{id}/tags", """{"tags":"x"}""", "/api/assets/{id}/tags", HttpStatusCode.BadRequest);
        await api.JsonAsync(HttpMethod.Post, $"api/assets/{id}/tags", "{}", "/api/assets/{id}/tags", HttpStatusCode.BadRequest);
        await new AssetApiClient(other.Client).JsonAsync(HttpMethod.Post, $"api/assets/{id}/tags", """{"tags":["x"]}""", "/api/assets/{id}/tags", HttpStatusCode.NotFound);
        await new AssetApiClient(other.Client).JsonAsync(HttpMethod.Delete, $"api/assets/{id}/tags", """{"tags":["lora"]}""", "/api/assets/{id}/tags", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task From_hash_mints_over_the_callers_own_content_only()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var bytes = AssetApiClient.RandomBytes(500);
        var original = await api.UploadAsync(bytes, "model.safetensors");
        var hash = original.GetProperty("asset_hash").GetString()!;
        var sha = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

        var minted = await api.JsonAsync(HttpMethod.Post, "api/assets/from-hash", $$"""{"hash":"{{hash}}","name":"copy.safetensors","tags":["models"]}""",
            "/api/assets/from-hash", HttpStatusCode.Created);
        minted.GetProperty("created_new").GetBoolean().ShouldBeTrue();
        minted.GetProperty("asset_hash").GetString().ShouldBe(hash);
        minted.GetProperty("id").GetString().ShouldNotBe(original.GetProperty("id").GetString());
        var same = await api.JsonAsync(HttpMethod.Post, "api/assets/from-hash", $$"""{"hash":"{{sha}}","name":"copy.safetensors","tags":["models"]}""",
            "/api/assets/from-hash", HttpStatusCode.OK);
        same.GetProperty("id").GetString().ShouldBe(minted.GetProperty("id").GetString());

        await new AssetApiClient(other.Client).JsonAsync(HttpMethod.Post, "api/assets/from-hash", $$"""{"hash":"{{hash}}","tags":["x"]}""",
            "/api/assets/from-hash", HttpStatusCode.NotFound);
        await api.JsonAsync(HttpMethod.Post, "api/assets/from-hash", $$"""{"hash":"{{hash}}"}""", "/api/assets/from-hash", HttpStatusCode.BadRequest);
        await api.JsonAsync(HttpMethod.Post, "api/assets/from-hash", $$"""{"hash":"{{hash.ToUpperInvariant()}}","tags":["a"]}""", "/api/assets/from-hash", HttpStatusCode.BadRequest);
        await api.JsonAsync(HttpMethod.Post, "api/assets/from-hash", """{"hash":"md5:abc","tags":["a"]}""", "/api/assets/from-hash", HttpStatusCode.BadRequest);

        // HEAD /api/assets/hash/{hash}: 200 for the owner, 404 for anyone else, 400 for a malformed hash.
        (await Head(user.Client, $"api/assets/hash/{hash}")).ShouldBe(HttpStatusCode.OK);
        (await Head(other.Client, $"api/assets/hash/{hash}")).ShouldBe(HttpStatusCode.NotFound);
        (await Head(user.Client, $"api/assets/hash/blake3:{new string('0', 64)}")).ShouldBe(HttpStatusCode.NotFound);
        (await Head(user.Client, "api/assets/hash/blake3:xyz")).ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_list_filters_sorts_and_pages_as_the_spec_says()
    {
        using var user = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        await api.UploadAsync(AssetApiClient.RandomBytes(30), "b-cat.png", HttpStatusCode.Created, ("tags", "input,animal"), ("user_metadata", """{"kind":"cat"}"""));
        await api.UploadAsync(AssetApiClient.RandomBytes(10), "a-dog.png", HttpStatusCode.Created, ("tags", "input,animal,big"), ("user_metadata", """{"kind":"dog"}"""));
        await api.UploadAsync(AssetApiClient.RandomBytes(20), "c-model.safetensors", HttpStatusCode.Created, ("tags", "models"));

        async Task<string[]> Names(string query)
        {
            var page = await api.GetAsync($"api/assets?{query}", "/api/assets");
            return [.. page.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("name").GetString()!)];
        }

        (await Names("")).ShouldBe(["c-model.safetensors", "a-dog.png", "b-cat.png"]);
        (await Names("sort=name&order=asc")).ShouldBe(["a-dog.png", "b-cat.png", "c-model.safetensors"]);
        (await Names("sort=size&order=asc")).ShouldBe(["a-dog.png", "c-model.safetensors", "b-cat.png"]);
        (await Names("include_tags=animal,input&sort=name&order=asc")).ShouldBe(["a-dog.png", "b-cat.png"]);
        (await Names("exclude_tags=big&include_tags=animal")).ShouldBe(["b-cat.png"]);
        (await Names("name_contains=DOG")).ShouldBe(["a-dog.png"]);
        (await Names("metadata_filter=" + Uri.EscapeDataString("""{"kind":"cat"}"""))).ShouldBe(["b-cat.png"]);
        var page = await api.GetAsync("api/assets?limit=1&offset=1&sort=name&order=asc", "/api/assets");
        page.GetProperty("total").GetInt64().ShouldBe(3);
        page.GetProperty("has_more").GetBoolean().ShouldBeTrue();
        (await api.GetAsync("api/assets?limit=1&offset=2&sort=name&order=asc", "/api/assets")).GetProperty("has_more").GetBoolean().ShouldBeFalse();

        foreach (var bad in (string[])["limit=0", "limit=501", "offset=-1", "sort=color", "order=up", "metadata_filter=[1]", "metadata_filter=%7B", "include_public=maybe"])
        {
            await api.GetAsync($"api/assets?{bad}", "/api/assets", HttpStatusCode.BadRequest);
        }

        var tags = await api.GetAsync("api/tags", "/api/tags");
        tags.GetProperty("tags").EnumerateArray().Select(t => (t.GetProperty("name").GetString(), t.GetProperty("count").GetInt64()))
            .ShouldBe([("animal", 2L), ("input", 2L), ("big", 1L), ("models", 1L)]);
        tags.GetProperty("total").GetInt64().ShouldBe(4);
        var byName = await api.GetAsync("api/tags?order=name_asc&limit=2&offset=1", "/api/tags");
        byName.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldBe(["big", "input"]);
        byName.GetProperty("has_more").GetBoolean().ShouldBeTrue();
        (await api.GetAsync("api/tags?prefix=mod", "/api/tags")).GetProperty("tags").GetArrayLength().ShouldBe(1);
        foreach (var bad in (string[])["limit=0", "limit=1001", "order=random", "offset=x"])
        {
            await api.GetAsync($"api/tags?{bad}", "/api/tags", HttpStatusCode.BadRequest);
        }

        var refine = await api.GetAsync("api/assets/tags/refine?include_tags=animal", "/api/assets/tags/refine");
        var counts = refine.GetProperty("tag_counts");
        counts.EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())).ShouldBe([("animal", 2L), ("input", 2L), ("big", 1L)]);
        await api.GetAsync("api/assets/tags/refine?limit=1001", "/api/assets/tags/refine", HttpStatusCode.BadRequest);

        // Another user sees none of it.
        using var other = await Server.CreateUserAsync();
        var theirs = new AssetApiClient(other.Client);
        (await theirs.GetAsync("api/assets", "/api/assets")).GetProperty("total").GetInt64().ShouldBe(0);
        (await theirs.GetAsync("api/tags", "/api/tags")).GetProperty("total").GetInt64().ShouldBe(0);
        (await theirs.GetAsync("api/assets/tags/refine", "/api/assets/tags/refine")).GetProperty("tag_counts").EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_route_needs_a_key()
    {
        var api = new AssetApiClient(Server.CreateClient(apiKey: null));
        await api.GetAsync("api/assets", "/api/assets", HttpStatusCode.Unauthorized);
        await api.GetAsync($"api/assets/{Unknown}", "/api/assets/{id}", HttpStatusCode.Unauthorized);
        await api.GetAsync("api/tags", "/api/tags", HttpStatusCode.Unauthorized);
        await api.GetAsync("api/assets/tags/refine", "/api/assets/tags/refine", HttpStatusCode.Unauthorized);
        await api.GetAsync("api/assets/remote-metadata?url=http://127.0.0.1/", "/api/assets/remote-metadata", HttpStatusCode.Unauthorized);
        await api.JsonAsync(HttpMethod.Post, "api/assets/from-hash", "{}", "/api/assets/from-hash", HttpStatusCode.Unauthorized);
        await api.JsonAsync(HttpMethod.Post, "api/assets/download", "{}", "/api/assets/download", HttpStatusCode.Unauthorized);
        await api.UploadAsync([1], "a.png", HttpStatusCode.Unauthorized);
    }

    private static async Task<HttpStatusCode> Head(HttpClient client, string url)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url), TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}

public sealed class AssetsApiSqliteTests(SqliteServerFixture fixture) : AssetsApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class AssetsApiPostgresTests(PostgresServerFixture fixture) : AssetsApiTests(fixture), IClassFixture<PostgresServerFixture>;
