using System.Net;
using System.Net.Http.Headers;
using Gantry.Tests.Assets;
using Gantry.Tests.Infrastructure;
using static Gantry.Tests.Api.Cloud.Conformance.SpecCheck;

namespace Gantry.Tests.Api.Cloud.Conformance;

/// <summary>
/// Conformance of the Cloud spec's assets operations (see <see cref="CloudSpecConformanceTests"/>): a normal request and
/// the documented errors of each, every answer held to the spec's schema. The deeper behaviour (filters, dedup, the
/// download rule) is in <c>Gantry.Tests.Assets</c>.
/// </summary>
public abstract class CloudSpecAssetsConformanceTests(ConformanceFixture fixture) : ServerTestBase(fixture)
{
    private readonly ConformanceFixture _fixture = fixture;

    private HttpClient? _anonymous;

    private HttpClient Anonymous => _anonymous ??= Server.CreateClient(apiKey: null);

    [Fact]
    [SpecOperation("POST", "/api/assets")]
    [SpecOperation("GET", "/api/assets")]
    public async Task Upload_and_list()
    {
        using var user = await Server.CreateUserAsync();
        var id = Guid.NewGuid().ToString("D");
        var bytes = AssetApiClient.RandomBytes(100);
        var created = await ExpectAsync(user.Client, Upload(bytes, ("tags", "models"), ("id", id), ("user_metadata", """{"k": 1}""")), "/api/assets", HttpStatusCode.Created);
        created.Json.GetProperty("created_new").GetBoolean().ShouldBeTrue();
        (await ExpectAsync(user.Client, Upload(bytes, ("id", id)), "/api/assets", HttpStatusCode.OK)).Json.GetProperty("created_new").GetBoolean().ShouldBeFalse();
        var remote = _fixture.Remote.Url("files/model.safetensors");
        await JsonAsync(user.Client, HttpMethod.Post, "api/assets", $$"""{"url": "{{remote}}", "name": "m.safetensors", "tags": ["models"]}""", "/api/assets", HttpStatusCode.Created);
        await JsonAsync(user.Client, HttpMethod.Post, "api/assets", $$"""{"url": "{{_fixture.Remote.Url("secret")}}", "name": "s.bin"}""", "/api/assets", HttpStatusCode.Forbidden);
        await JsonAsync(user.Client, HttpMethod.Post, "api/assets", $$"""{"url": "{{_fixture.Remote.Url("missing")}}", "name": "s.bin"}""", "/api/assets", HttpStatusCode.NotFound);
        await JsonAsync(user.Client, HttpMethod.Post, "api/assets", $$"""{"url": "{{_fixture.Remote.Url("huge")}}", "name": "s.bin"}""", "/api/assets", HttpStatusCode.RequestEntityTooLarge);
        await JsonAsync(user.Client, HttpMethod.Post, "api/assets", """{"url": "http://gantry-test.invalid/x", "name": "s.bin"}""", "/api/assets", HttpStatusCode.UnprocessableEntity);
        await JsonAsync(user.Client, HttpMethod.Post, "api/assets", """{"url": "ftp://example.com/x", "name": "s.bin"}""", "/api/assets", HttpStatusCode.BadRequest);
        await ExpectAsync(user.Client, new HttpRequestMessage(HttpMethod.Post, "api/assets") { Content = new StringContent("x", null, "text/csv") }, "/api/assets", HttpStatusCode.UnsupportedMediaType);
        await ExpectAsync(Anonymous, Upload(bytes), "/api/assets", HttpStatusCode.Unauthorized);

        var listed = await GetAsync(user.Client, "api/assets?include_tags=models&sort=name&order=asc&limit=10", "/api/assets");
        listed.Json.GetProperty("total").GetInt32().ShouldBe(2);
        await GetAsync(user.Client, "api/assets?limit=0", "/api/assets", HttpStatusCode.BadRequest);
        await GetAsync(Anonymous, "api/assets", "/api/assets", HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("GET", "/api/assets/{id}")]
    [SpecOperation("PUT", "/api/assets/{id}")]
    [SpecOperation("DELETE", "/api/assets/{id}")]
    public async Task One_asset()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var id = await UploadAsync(user);
        const string Path = "/api/assets/{id}";
        await GetAsync(user.Client, $"api/assets/{id}", Path);
        await GetAsync(other.Client, $"api/assets/{id}", Path, HttpStatusCode.NotFound);
        await GetAsync(user.Client, "api/assets/not-a-uuid", Path, HttpStatusCode.NotFound);
        await GetAsync(Anonymous, $"api/assets/{id}", Path, HttpStatusCode.Unauthorized);

        var updated = await JsonAsync(user.Client, HttpMethod.Put, $"api/assets/{id}", """{"name": "renamed.bin", "tags": ["b"], "user_metadata": {"x": true}}""", Path, HttpStatusCode.OK);
        updated.Json.GetProperty("name").GetString().ShouldBe("renamed.bin");
        await JsonAsync(user.Client, HttpMethod.Put, $"api/assets/{id}", "{}", Path, HttpStatusCode.BadRequest);
        await JsonAsync(other.Client, HttpMethod.Put, $"api/assets/{id}", """{"name": "mine"}""", Path, HttpStatusCode.NotFound);
        await JsonAsync(Anonymous, HttpMethod.Put, $"api/assets/{id}", """{"name": "mine"}""", Path, HttpStatusCode.Unauthorized);

        await ExpectAsync(other.Client, new HttpRequestMessage(HttpMethod.Delete, $"api/assets/{id}"), Path, HttpStatusCode.NotFound);
        await ExpectAsync(Anonymous, new HttpRequestMessage(HttpMethod.Delete, $"api/assets/{id}"), Path, HttpStatusCode.Unauthorized);
        await ExpectAsync(user.Client, new HttpRequestMessage(HttpMethod.Delete, $"api/assets/{id}"), Path, HttpStatusCode.NoContent);
        await ExpectAsync(user.Client, new HttpRequestMessage(HttpMethod.Delete, $"api/assets/{id}"), Path, HttpStatusCode.NotFound);
    }

    [Fact]
    [SpecOperation("POST", "/api/assets/{id}/tags")]
    [SpecOperation("DELETE", "/api/assets/{id}/tags")]
    [SpecOperation("GET", "/api/tags")]
    [SpecOperation("GET", "/api/assets/tags/refine")]
    public async Task Tags()
    {
        using var user = await Server.CreateUserAsync();
        var id = await UploadAsync(user, "models");
        const string Path = "/api/assets/{id}/tags";
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Delete })
        {
            var changed = await JsonAsync(user.Client, method, $"api/assets/{id}/tags", """{"tags": ["lora"]}""", Path, HttpStatusCode.OK);
            changed.Json.GetProperty("total_tags").GetArrayLength().ShouldBeGreaterThan(0);
            await JsonAsync(user.Client, method, $"api/assets/{id}/tags", """{"tags": []}""", Path, HttpStatusCode.BadRequest);
            await JsonAsync(user.Client, method, $"api/assets/{Guid.NewGuid()}/tags", """{"tags": ["x"]}""", Path, HttpStatusCode.NotFound);
            await JsonAsync(Anonymous, method, $"api/assets/{id}/tags", """{"tags": ["x"]}""", Path, HttpStatusCode.Unauthorized);
        }

        (await GetAsync(user.Client, "api/tags?prefix=mod&order=name_asc", "/api/tags")).Json.GetProperty("total").GetInt32().ShouldBe(1);
        await GetAsync(user.Client, "api/tags?limit=1001", "/api/tags", HttpStatusCode.BadRequest);
        await GetAsync(Anonymous, "api/tags", "/api/tags", HttpStatusCode.Unauthorized);

        var refine = await GetAsync(user.Client, "api/assets/tags/refine?include_tags=models", "/api/assets/tags/refine");
        refine.Json.GetProperty("tag_counts").GetProperty("models").GetInt32().ShouldBe(1);
        await GetAsync(user.Client, "api/assets/tags/refine?limit=0", "/api/assets/tags/refine", HttpStatusCode.BadRequest);
        await GetAsync(Anonymous, "api/assets/tags/refine", "/api/assets/tags/refine", HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("POST", "/api/assets/from-hash")]
    [SpecOperation("HEAD", "/api/assets/hash/{hash}")]
    public async Task By_hash()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var id = await UploadAsync(user);
        var hash = (await GetAsync(user.Client, $"api/assets/{id}", "/api/assets/{id}")).Json.GetProperty("asset_hash").GetString()!;
        const string Path = "/api/assets/from-hash";
        var copy = await JsonAsync(user.Client, HttpMethod.Post, "api/assets/from-hash", $$"""{"hash": "{{hash}}", "name": "copy.bin", "tags": ["models"]}""", Path, HttpStatusCode.Created);
        copy.Json.GetProperty("asset_hash").GetString().ShouldBe(hash);
        await JsonAsync(other.Client, HttpMethod.Post, "api/assets/from-hash", $$"""{"hash": "{{hash}}", "tags": ["x"]}""", Path, HttpStatusCode.NotFound);
        await JsonAsync(user.Client, HttpMethod.Post, "api/assets/from-hash", """{"hash": "md5:abc", "tags": ["x"]}""", Path, HttpStatusCode.BadRequest);
        await JsonAsync(Anonymous, HttpMethod.Post, "api/assets/from-hash", $$"""{"hash": "{{hash}}", "tags": ["x"]}""", Path, HttpStatusCode.Unauthorized);

        const string HashPath = "/api/assets/hash/{hash}";
        await ExpectAsync(user.Client, new HttpRequestMessage(HttpMethod.Head, $"api/assets/hash/{hash}"), HashPath, HttpStatusCode.OK);
        await ExpectAsync(other.Client, new HttpRequestMessage(HttpMethod.Head, $"api/assets/hash/{hash}"), HashPath, HttpStatusCode.NotFound);
        await ExpectAsync(user.Client, new HttpRequestMessage(HttpMethod.Head, "api/assets/hash/blake3:xyz"), HashPath, HttpStatusCode.BadRequest);
        await ExpectAsync(Anonymous, new HttpRequestMessage(HttpMethod.Head, $"api/assets/hash/{hash}"), HashPath, HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("GET", "/api/assets/remote-metadata")]
    [SpecOperation("POST", "/api/assets/download")]
    public async Task From_a_url()
    {
        using var user = await Server.CreateUserAsync();
        var remote = _fixture.Remote.Url("files/model.safetensors");
        const string Metadata = "/api/assets/remote-metadata";
        var metadata = await GetAsync(user.Client, $"api/assets/remote-metadata?url={Uri.EscapeDataString(remote)}", Metadata);
        metadata.Json.GetProperty("content_length").GetInt64().ShouldBe(_fixture.Remote.Content.Length);
        await GetAsync(user.Client, "api/assets/remote-metadata", Metadata, HttpStatusCode.BadRequest);
        await GetAsync(user.Client, $"api/assets/remote-metadata?url={Uri.EscapeDataString("http://gantry-test.invalid/x")}", Metadata, HttpStatusCode.UnprocessableEntity);
        await GetAsync(Anonymous, $"api/assets/remote-metadata?url={Uri.EscapeDataString(remote)}", Metadata, HttpStatusCode.Unauthorized);

        const string Download = "/api/assets/download";
        var downloaded = await JsonAsync(user.Client, HttpMethod.Post, "api/assets/download", $$"""{"source_url": "{{remote}}", "tags": ["checkpoint"]}""", Download, HttpStatusCode.OK);
        downloaded.Json.GetProperty("size").GetInt64().ShouldBe(_fixture.Remote.Content.Length);
        await JsonAsync(user.Client, HttpMethod.Post, "api/assets/download", """{"source_url": "not a url"}""", Download, HttpStatusCode.BadRequest);
        await JsonAsync(user.Client, HttpMethod.Post, "api/assets/download", """{"source_url": "http://gantry-test.invalid/x"}""", Download, HttpStatusCode.UnprocessableEntity);
        await JsonAsync(Anonymous, HttpMethod.Post, "api/assets/download", $$"""{"source_url": "{{remote}}"}""", Download, HttpStatusCode.Unauthorized);
    }

    private async Task<string> UploadAsync(TestUser user, string tag = "input")
    {
        var created = await ExpectAsync(user.Client, Upload(AssetApiClient.RandomBytes(64), ("tags", tag)), "/api/assets", HttpStatusCode.Created);
        return created.Json.GetProperty("id").GetString()!;
    }

    private static HttpRequestMessage Upload(byte[] bytes, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "blob.bin");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return new HttpRequestMessage(HttpMethod.Post, "api/assets") { Content = form };
    }

    public override ValueTask DisposeAsync()
    {
        _anonymous?.Dispose();
        return base.DisposeAsync();
    }
}

public sealed class CloudSpecAssetsConformanceSqliteTests(SqliteConformanceFixture fixture) : CloudSpecAssetsConformanceTests(fixture), IClassFixture<SqliteConformanceFixture>;

public sealed class CloudSpecAssetsConformancePostgresTests(PostgresConformanceFixture fixture) : CloudSpecAssetsConformanceTests(fixture), IClassFixture<PostgresConformanceFixture>;
