using System.Net;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Assets;

/// <summary>
/// Assets from URLs: a local server on 127.0.0.1 stands in for a model host (this machine has no internet). With
/// <c>Gantry:Assets:AllowPrivateAddresses</c> the download works; without it loopback is refused; an unreachable host,
/// a 401, a 404 and an oversized body each fail cleanly with the spec's error body. Each answer is checked against the spec.
/// </summary>
public abstract class AssetDownloadTests(StoreKind kind) : IAsyncLifetime
{
    private GantryTestServer? _open;
    private GantryTestServer? _closed;
    private RemoteFileServer? _remote;

    private GantryTestServer Open => _open!;

    private RemoteFileServer Remote => _remote!;

    public async ValueTask InitializeAsync()
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        _remote = await RemoteFileServer.StartAsync(AssetApiClient.RandomBytes(70_000));
        _open = await GantryTestServer.StartAsync(kind, new Dictionary<string, string>
        {
            ["Gantry:Assets:AllowPrivateAddresses"] = "true",
            ["Gantry:Assets:MaxDownloadBytes"] = "1000000",
        });
        _closed = await GantryTestServer.StartAsync(kind);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in new[] { _open, _closed })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        if (_remote is not null)
        {
            await _remote.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_url_upload_stores_the_bytes_under_the_given_name()
    {
        using var user = await Open.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var created = await api.JsonAsync(HttpMethod.Post, "api/assets",
            $$$"""{"url":"{{{Remote.Url("files/model.safetensors")}}}","name":"mine.safetensors","tags":["models"],"user_metadata":{"from":"url"}}""",
            "/api/assets", HttpStatusCode.Created);
        created.GetProperty("name").GetString().ShouldBe("mine.safetensors");
        created.GetProperty("size").GetInt64().ShouldBe(Remote.Content.Length);
        created.GetProperty("asset_hash").GetString().ShouldBe("blake3:" + Convert.ToHexStringLower(Blake3.Hasher.Hash(Remote.Content).AsSpan()));

        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Remote.Content));
        (await File.ReadAllBytesAsync(Path.Combine(Open.DataDirectory, "blobs", sha[..2], sha), TestContext.Current.CancellationToken)).ShouldBe(Remote.Content);
    }

    [Fact]
    public async Task The_download_route_follows_redirects_and_names_the_asset_from_the_server()
    {
        using var user = await Open.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var asset = await api.JsonAsync(HttpMethod.Post, "api/assets/download", $$"""{"source_url":"{{Remote.Url("redirect")}}","tags":["checkpoint"]}""",
            "/api/assets/download", HttpStatusCode.OK);
        asset.GetProperty("name").GetString().ShouldBe("real-name.safetensors");
        asset.GetProperty("size").GetInt64().ShouldBe(Remote.Content.Length);
        asset.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["checkpoint"]);

        var metadata = await api.GetAsync($"api/assets/remote-metadata?url={Uri.EscapeDataString(Remote.Url("files/model.safetensors"))}", "/api/assets/remote-metadata");
        metadata.GetProperty("content_length").GetInt64().ShouldBe(Remote.Content.Length);
        metadata.GetProperty("filename").GetString().ShouldBe("real-name.safetensors");
        metadata.GetProperty("content_type").GetString().ShouldBe("application/octet-stream");
    }

    [Fact]
    public async Task Loopback_is_refused_without_the_setting_before_any_connection()
    {
        using var user = await _closed!.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        foreach (var url in new[] { Remote.Url("files/model.safetensors"), "http://localhost:1/x", "http://[::1]:1/x", "http://169.254.169.254/latest/meta-data" })
        {
            var refused = await api.JsonAsync(HttpMethod.Post, "api/assets", $$"""{"url":"{{url}}","name":"x.bin"}""", "/api/assets", HttpStatusCode.BadRequest);
            refused.GetProperty("code").GetString().ShouldBe("url_not_allowed");
            await api.JsonAsync(HttpMethod.Post, "api/assets/download", $$"""{"source_url":"{{url}}"}""", "/api/assets/download", HttpStatusCode.BadRequest);
            await api.GetAsync($"api/assets/remote-metadata?url={Uri.EscapeDataString(url)}", "/api/assets/remote-metadata", HttpStatusCode.BadRequest);
        }

        (await api.GetAsync("api/assets", "/api/assets")).GetProperty("total").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task Failures_at_the_source_are_clean_errors()
    {
        using var user = await Open.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        string Upload(string url) => $$"""{"url":"{{url}}","name":"x.bin"}""";

        // No network: a name that does not resolve, and a port nobody listens on.
        (await api.JsonAsync(HttpMethod.Post, "api/assets", Upload("http://gantry-test.invalid/x"), "/api/assets", (HttpStatusCode)422))
            .GetProperty("code").GetString().ShouldBe("fetch_failed");
        await api.JsonAsync(HttpMethod.Post, "api/assets", Upload($"http://127.0.0.1:{ClosedPort()}/x"), "/api/assets", (HttpStatusCode)422);
        await api.GetAsync($"api/assets/remote-metadata?url={Uri.EscapeDataString("http://gantry-test.invalid/x")}", "/api/assets/remote-metadata", (HttpStatusCode)422);
        await api.JsonAsync(HttpMethod.Post, "api/assets/download", """{"source_url":"http://gantry-test.invalid/x"}""", "/api/assets/download", (HttpStatusCode)422);

        await api.JsonAsync(HttpMethod.Post, "api/assets", Upload(Remote.Url("secret")), "/api/assets", HttpStatusCode.Forbidden);
        await api.JsonAsync(HttpMethod.Post, "api/assets", Upload(Remote.Url("missing")), "/api/assets", HttpStatusCode.NotFound);
        await api.JsonAsync(HttpMethod.Post, "api/assets", Upload(Remote.Url("huge")), "/api/assets", HttpStatusCode.RequestEntityTooLarge);

        foreach (var bad in new[] { "ftp://example.com/x", "file:///etc/passwd", "not a url", "http://user:pw@example.com/x" })
        {
            await api.JsonAsync(HttpMethod.Post, "api/assets", Upload(bad), "/api/assets", HttpStatusCode.BadRequest);
        }

        await api.JsonAsync(HttpMethod.Post, "api/assets", $$"""{"url":"{{Remote.Url("files/model.safetensors")}}"}""", "/api/assets", HttpStatusCode.BadRequest);
        (await api.GetAsync("api/assets", "/api/assets")).GetProperty("total").GetInt64().ShouldBe(0);
        Directory.GetFiles(Path.Combine(Open.DataDirectory, "blobs", "incoming")).ShouldBeEmpty();
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class AssetDownloadSqliteTests() : AssetDownloadTests(StoreKind.Sqlite);

public sealed class AssetDownloadPostgresTests() : AssetDownloadTests(StoreKind.Postgres);
