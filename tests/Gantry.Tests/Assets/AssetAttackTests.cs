using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Assets;

/// <summary>
/// The asset routes under hostile input, on a server with a small upload bound (4 KiB): oversized bodies refused
/// early and without leftovers, names at and one past 255 bytes, lone surrogates, path characters, and every list bound.
/// </summary>
public abstract class AssetAttackTests(StoreKind kind) : IAsyncLifetime
{
    private const int MaxUpload = 4096;
    private GantryTestServer? _server;

    private GantryTestServer Server => _server!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        _server = await GantryTestServer.StartAsync(kind, new Dictionary<string, string> { ["Gantry:Assets:MaxUploadBytes"] = $"{MaxUpload}" });
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_3_GB_upload_is_refused_from_its_headers_before_the_body_is_sent()
    {
        using var user = await Server.CreateUserAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Server.BaseAddress.Host, Server.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        var head = "POST /api/assets HTTP/1.1\r\n" +
            $"Host: {Server.BaseAddress.Authority}\r\nX-API-Key: {user.Key}\r\n" +
            "Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 3221225472\r\n\r\n" +
            "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);

        // Only the headers and a few bytes were sent: the answer comes without the other 3 GB.
        using var reader = new StreamReader(stream, Encoding.ASCII);
        (await reader.ReadLineAsync(Ct)).ShouldBe("HTTP/1.1 413 Payload Too Large");
        Directory.GetFiles(Path.Combine(Server.DataDirectory, "blobs", "incoming")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_chunked_upload_growing_past_the_bound_is_cut_off_and_nothing_is_kept()
    {
        using var user = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var form = new MultipartFormDataContent();
        form.Add(new StreamContent(new MemoryStream(AssetApiClient.RandomBytes(MaxUpload + 1))), "file", "big.bin");
        form.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/assets") { Content = form };
        request.Headers.TransferEncodingChunked = true;
        await api.SendAsync(request, "/api/assets", HttpStatusCode.RequestEntityTooLarge);
        (await api.UploadAsync(AssetApiClient.RandomBytes(MaxUpload), "fits.bin")).GetProperty("size").GetInt64().ShouldBe(MaxUpload);
        (await api.GetAsync("api/assets", "/api/assets")).GetProperty("total").GetInt64().ShouldBe(1);
        Directory.GetFiles(Path.Combine(Server.DataDirectory, "blobs", "incoming")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Names_may_have_255_bytes_and_no_more()
    {
        using var user = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var longest = new string('é', 127) + "a";   // 255 bytes in UTF-8
        var tooLong = new string('é', 128);          // 256
        Encoding.UTF8.GetByteCount(longest).ShouldBe(255);
        (await api.UploadAsync([1, 2], "x.bin", HttpStatusCode.Created, ("name", longest))).GetProperty("name").GetString().ShouldBe(longest);
        await api.UploadAsync([1, 2, 3], "x.bin", HttpStatusCode.BadRequest, ("name", tooLong));
        var id = (await api.UploadAsync([4], "y.bin")).GetProperty("id").GetString();
        await api.JsonAsync(HttpMethod.Put, $"api/assets/{id}", $$"""{"name":"{{tooLong}}"}""", "/api/assets/{id}", HttpStatusCode.BadRequest);
        (await api.JsonAsync(HttpMethod.Put, $"api/assets/{id}", $$"""{"name":"{{longest}}"}""", "/api/assets/{id}", HttpStatusCode.OK))
            .GetProperty("name").GetString().ShouldBe(longest);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a/b.png")]
    [InlineData("a\\\\b.png")]
    [InlineData("..")]
    [InlineData("tab\\there")]
    [InlineData("\\ud800.png")]
    [InlineData(" ")]
    public async Task Path_characters_control_characters_and_lone_surrogates_are_refused_in_names(string jsonName)
    {
        using var user = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var id = (await api.UploadAsync([7], "z.bin")).GetProperty("id").GetString();
        await api.JsonAsync(HttpMethod.Put, $"api/assets/{id}", $$"""{"name":"{{jsonName}}"}""", "/api/assets/{id}", HttpStatusCode.BadRequest);
        (await api.GetAsync($"api/assets/{id}", "/api/assets/{id}")).GetProperty("name").GetString().ShouldBe("z.bin");
    }

    [Fact]
    public async Task A_file_name_with_path_parts_never_becomes_a_path()
    {
        using var user = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        (await api.UploadAsync([8], "dir/sub/cat.png")).GetProperty("name").GetString().ShouldBe("cat.png");
        var climbing = (await api.UploadAsync([9], "../../../cat.png")).GetProperty("name").GetString()!;
        climbing.ShouldNotContain("/");
        climbing.ShouldNotContain("..");
        await api.UploadAsync([10], "x.bin", HttpStatusCode.BadRequest, ("name", "../x"));

        // A form field that is not UTF-8 is refused, nothing kept.
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent([11]), "file", "x.bin");
        form.Add(new ByteArrayContent([0x66, 0xED, 0xA0, 0x80]), "name");
        await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/assets") { Content = form }, "/api/assets", HttpStatusCode.BadRequest);
        (await api.GetAsync("api/assets", "/api/assets")).GetProperty("total").GetInt64().ShouldBe(2);
    }

    [Fact]
    public async Task Tag_lists_and_metadata_have_bounds()
    {
        using var user = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        var many = string.Join(',', Enumerable.Range(0, 65).Select(i => $"t{i}"));
        var enough = string.Join(',', Enumerable.Range(0, 64).Select(i => $"t{i}"));
        await api.UploadAsync([1], "a.bin", HttpStatusCode.BadRequest, ("tags", many));
        var id = (await api.UploadAsync([2], "b.bin", HttpStatusCode.Created, ("tags", enough))).GetProperty("id").GetString();
        await api.JsonAsync(HttpMethod.Post, $"api/assets/{id}/tags", """{"tags":["one-more"]}""", "/api/assets/{id}/tags", HttpStatusCode.BadRequest);
        (await api.GetAsync($"api/assets/{id}", "/api/assets/{id}")).GetProperty("tags").GetArrayLength().ShouldBe(64);

        await api.UploadAsync([3], "c.bin", HttpStatusCode.BadRequest, ("tags", new string('x', 129)));
        await api.UploadAsync([3], "c.bin", HttpStatusCode.Created, ("tags", new string('x', 128)));
        await api.UploadAsync([4], "d.bin", HttpStatusCode.BadRequest, ("tags", """["a,b"]"""));
        await api.UploadAsync([4], "d.bin", HttpStatusCode.BadRequest, ("tags", """["bell\u0007"]"""));
        await api.UploadAsync([5], "e.bin", HttpStatusCode.BadRequest, ("user_metadata", "[1]"));
        await api.UploadAsync([5], "e.bin", HttpStatusCode.BadRequest, ("user_metadata", $$"""{"a":"{{new string('x', 70_000)}}"}"""));
        await api.GetAsync($"api/assets?include_tags={many}", "/api/assets", HttpStatusCode.BadRequest);
        await api.GetAsync($"api/assets/tags/refine?exclude_tags={many}", "/api/assets/tags/refine", HttpStatusCode.BadRequest);
        await api.GetAsync($"api/tags?prefix={new string('p', 129)}", "/api/tags", HttpStatusCode.BadRequest);
        await api.JsonAsync(HttpMethod.Put, $"api/assets/{id}", """{"user_metadata":{"\ud800":1}}""", "/api/assets/{id}", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bodies_that_are_not_forms_or_json_are_refused()
    {
        using var user = await Server.CreateUserAsync();
        var api = new AssetApiClient(user.Client);
        using var text = new HttpRequestMessage(HttpMethod.Post, "api/assets") { Content = new StringContent("hello", Encoding.UTF8, "text/plain") };
        await api.SendAsync(text, "/api/assets", HttpStatusCode.UnsupportedMediaType);
        var noFile = new MultipartFormDataContent { { new StringContent("x"), "name" } };
        await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/assets") { Content = noFile }, "/api/assets", HttpStatusCode.BadRequest);
        var truncated = new ByteArrayContent(Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc"));
        truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/assets") { Content = truncated }, "/api/assets", HttpStatusCode.BadRequest);
        await api.JsonAsync(HttpMethod.Post, "api/assets/from-hash", "[1]", "/api/assets/from-hash", HttpStatusCode.BadRequest);
        await api.JsonAsync(HttpMethod.Post, "api/assets/from-hash", "{", "/api/assets/from-hash", HttpStatusCode.BadRequest);
        (await api.GetAsync("api/assets", "/api/assets")).GetProperty("total").GetInt64().ShouldBe(0);
        Directory.GetFiles(Path.Combine(Server.DataDirectory, "blobs", "incoming")).ShouldBeEmpty();
    }
}

public sealed class AssetAttackSqliteTests() : AssetAttackTests(StoreKind.Sqlite);

public sealed class AssetAttackPostgresTests() : AssetAttackTests(StoreKind.Postgres);
