using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.V2;

/// <summary><c>/api/v2/assets</c> through real HTTP, every JSON answer validated against <c>openapi-v2.yaml</c> for its operation and status.</summary>
public abstract class V2AssetsApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upload_is_201_then_the_same_bytes_mint_a_new_asset_with_200_and_created_new_false()
    {
        using var user = await Server.CreateUserAsync();
        var bytes = RandomBytes(300);
        var (status, first) = await UploadAsync(user.Client, bytes, "photo.png", tags: "input");
        status.ShouldBe(HttpStatusCode.Created);
        first.GetProperty("created_new").GetBoolean().ShouldBeTrue();
        first.GetProperty("size_bytes").GetInt64().ShouldBe(300);
        first.GetProperty("content_type").GetString().ShouldBe("image/png");
        first.GetProperty("file_path").GetString().ShouldBe("photo.png");
        first.GetProperty("hash").GetString()!.ShouldMatch("^blake3:[0-9a-f]{64}$");
        first.GetProperty("expires_at").ValueKind.ShouldBe(JsonValueKind.Null);

        var (again, second) = await UploadAsync(user.Client, bytes, "copy.png");
        again.ShouldBe(HttpStatusCode.OK);
        second.GetProperty("created_new").GetBoolean().ShouldBeFalse();
        second.GetProperty("id").GetString().ShouldNotBe(first.GetProperty("id").GetString());
        second.GetProperty("hash").GetString().ShouldBe(first.GetProperty("hash").GetString());

        // Another user's identical bytes are new to them: an upload never tells who else has the content.
        using var other = await Server.CreateUserAsync();
        var (otherStatus, theirs) = await UploadAsync(other.Client, bytes, "photo.png");
        otherStatus.ShouldBe(HttpStatusCode.Created);
        theirs.GetProperty("created_new").GetBoolean().ShouldBeTrue();

        var (got, asset) = await SendAsync(user.Client, HttpMethod.Get, $"api/v2/assets/{first.GetProperty("id").GetString()}", "/api/v2/assets/{id}");
        got.ShouldBe(HttpStatusCode.OK);
        asset.GetProperty("file_path").GetString().ShouldBe("photo.png");
        asset.TryGetProperty("created_new", out _).ShouldBeFalse();
        using var anonymous = Server.CreateClient(null);
        using var link = await anonymous.GetAsync(new Uri(asset.GetProperty("url").GetString()!), Ct);
        (await link.Content.ReadAsByteArrayAsync(Ct)).ShouldBe(bytes);
    }

    [Fact]
    public async Task Content_is_the_bytes_with_ranges_and_an_unsatisfiable_range_is_416()
    {
        using var user = await Server.CreateUserAsync();
        var bytes = RandomBytes(100);
        var id = await UploadOkAsync(user.Client, bytes);
        using (var whole = await user.Client.GetAsync($"api/v2/assets/{id}/content", Ct))
        {
            whole.StatusCode.ShouldBe(HttpStatusCode.OK);
            whole.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
            (await whole.Content.ReadAsByteArrayAsync(Ct)).ShouldBe(bytes);
        }

        using (var part = new HttpRequestMessage(HttpMethod.Get, $"api/v2/assets/{id}/content"))
        {
            part.Headers.Range = new RangeHeaderValue(10, 19);
            using var response = await user.Client.SendAsync(part, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
            (await response.Content.ReadAsByteArrayAsync(Ct)).ShouldBe(bytes[10..20]);
        }

        using (var beyond = new HttpRequestMessage(HttpMethod.Get, $"api/v2/assets/{id}/content"))
        {
            beyond.Headers.Range = new RangeHeaderValue(100, null);
            using var response = await user.Client.SendAsync(beyond, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.RequestedRangeNotSatisfiable);
        }
    }

    [Fact]
    public async Task A_wrong_expected_hash_is_409_hash_mismatch_and_mints_nothing_and_a_right_one_is_accepted()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var bytes = RandomBytes(64);
        var (_, theirs) = await UploadAsync(other.Client, bytes);
        var computed = theirs.GetProperty("hash").GetString()!;

        var (status, error) = await UploadAsync(user.Client, bytes, expectedHash: "blake3:" + new string('0', 64));
        status.ShouldBe(HttpStatusCode.Conflict);
        error.GetProperty("error").GetProperty("code").GetString().ShouldBe("hash_mismatch");
        (await SendAsync(user.Client, HttpMethod.Head, $"api/v2/assets/by-hash/{computed}", null)).Status.ShouldBe(HttpStatusCode.NotFound);
        await ShouldHaveNoAssetsAsync(user.Client);

        var (accepted, asset) = await UploadAsync(user.Client, bytes, expectedHash: computed);
        accepted.ShouldBe(HttpStatusCode.Created);
        asset.GetProperty("hash").GetString().ShouldBe(computed);
    }

    [Theory]
    [InlineData(null, "image/png", null, "file_path")]
    [InlineData("photo.png", null, null, "content_type")]
    [InlineData("a/b.png", "image/png", null, "file_path")]
    [InlineData("photo.png", "png", null, "content_type")]
    [InlineData("photo.png", "image/png", "59", "expires_in")]
    [InlineData("photo.png", "image/png", "604801", "expires_in")]
    [InlineData("photo.png", "image/png", "1e3", "expires_in")]
    public async Task An_invalid_field_is_422_and_mints_nothing(string? filePath, string? contentType, string? expiresIn, string named)
    {
        using var user = await Server.CreateUserAsync();
        var form = new MultipartFormDataContent { { new ByteArrayContent(RandomBytes(10)), "file", "x.bin" } };
        Add(form, "file_path", filePath);
        Add(form, "content_type", contentType);
        Add(form, "expires_in", expiresIn);
        var (status, error) = await SendAsync(user.Client, HttpMethod.Post, "api/v2/assets", "/api/v2/assets", form);
        status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        error.GetProperty("error").GetProperty("message").GetString()!.ShouldContain(named);
        await ShouldHaveNoAssetsAsync(user.Client);
    }

    [Fact]
    public async Task A_body_that_is_not_a_multipart_form_is_422()
    {
        using var user = await Server.CreateUserAsync();
        var (status, error) = await SendAsync(user.Client, HttpMethod.Post, "api/v2/assets", "/api/v2/assets", new StringContent("{}", Encoding.UTF8, "application/json"));
        status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        error.GetProperty("error").GetProperty("code").GetString().ShouldBe("invalid_request");
    }

    [Fact]
    public async Task Expires_in_sets_expires_at()
    {
        using var user = await Server.CreateUserAsync();
        var before = DateTimeOffset.UtcNow;
        var (_, asset) = await UploadAsync(user.Client, RandomBytes(8), expiresIn: 3600);
        var expires = DateTimeOffset.Parse(asset.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        expires.ShouldBeInRange(before.AddSeconds(3600).AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(3601));
    }

    [Fact]
    public async Task From_hash_mints_over_the_callers_own_blob_only()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var (_, uploaded) = await UploadAsync(user.Client, RandomBytes(128), "photo.png");
        var hash = uploaded.GetProperty("hash").GetString()!;

        (await SendAsync(user.Client, HttpMethod.Head, $"api/v2/assets/by-hash/{hash}", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(other.Client, HttpMethod.Head, $"api/v2/assets/by-hash/{hash}", null)).Status.ShouldBe(HttpStatusCode.NotFound);

        var body = $$"""{"hash": "{{hash}}", "file_path": "second.png", "tags": ["input"]}""";
        var (created, minted) = await FromHashAsync(user.Client, body);
        created.ShouldBe(HttpStatusCode.Created);
        minted.GetProperty("file_path").GetString().ShouldBe("second.png");
        minted.GetProperty("created_new").GetBoolean().ShouldBeFalse();
        minted.GetProperty("hash").GetString().ShouldBe(hash);

        var (same, existing) = await FromHashAsync(user.Client, body);
        same.ShouldBe(HttpStatusCode.OK);
        existing.GetProperty("id").GetString().ShouldBe(minted.GetProperty("id").GetString());

        var (notTheirs, error) = await FromHashAsync(other.Client, body);
        notTheirs.ShouldBe(HttpStatusCode.NotFound);
        error.GetProperty("error").GetProperty("code").GetString().ShouldBe("blob_not_found");
        (await FromHashAsync(user.Client, """{"hash": "sha256:00"}""")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await FromHashAsync(user.Client, $$"""{"hash": "{{hash}}", "expires_in": 604801}""", specPath: null)).Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Delete_removes_the_record_only_for_its_owner_and_shared_bytes_stay_for_the_other_asset()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var bytes = RandomBytes(50);
        var first = await UploadOkAsync(user.Client, bytes);
        var (_, second) = await UploadAsync(user.Client, bytes, "again.png");

        (await SendAsync(other.Client, HttpMethod.Delete, $"api/v2/assets/{first}", "/api/v2/assets/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(other.Client, HttpMethod.Get, $"api/v2/assets/{first}", "/api/v2/assets/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(user.Client, HttpMethod.Delete, $"api/v2/assets/{first}", "/api/v2/assets/{id}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(user.Client, HttpMethod.Delete, $"api/v2/assets/{first}", "/api/v2/assets/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(user.Client, HttpMethod.Get, $"api/v2/assets/{first}", "/api/v2/assets/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(user.Client, HttpMethod.Get, "api/v2/assets/not-a-uuid", "/api/v2/assets/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);

        (await user.Client.GetByteArrayAsync($"api/v2/assets/{second.GetProperty("id").GetString()}/content", Ct)).ShouldBe(bytes);
    }

    [Fact]
    public async Task Jobs_reference_only_their_callers_assets_and_a_reference_without_an_id_is_missing_asset()
    {
        using var user = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var id = await UploadOkAsync(other.Client, TestFiles.Png(2, 2));
        foreach (var info in new[] { $$"""{"id": "{{id}}"}""", """{"hash": "blake3:00"}""", """{"id": 5}""" })
        {
            var workflow = """{"1": {"class_type": "LoadImage", "inputs": {"image": {"__type": "core/ASSET", "info": INFO}}}}""".Replace("INFO", info, StringComparison.Ordinal);
            var (status, error) = await V2Requests.SubmitAsync(user.Client, V2Requests.Body(workflow));
            status.ShouldBe(HttpStatusCode.UnprocessableEntity);
            error.GetProperty("error").GetProperty("code").GetString().ShouldBe("missing_asset");
        }
    }

    [Fact]
    public async Task An_upload_one_byte_over_the_limit_is_413_and_keeps_nothing()
    {
        await using var server = await GantryTestServer.StartAsync(Kind, new Dictionary<string, string> { ["Gantry:Assets:MaxUploadBytes"] = "100" });
        using var user = await server.CreateUserAsync();
        var (ok, _) = await UploadAsync(user.Client, RandomBytes(100));
        ok.ShouldBe(HttpStatusCode.Created);
        var form = Form(RandomBytes(101), "photo.png", "image/png");
        using var response = await user.Client.PostAsync("api/v2/assets", form, Ct);
        var error = await response.ShouldBeJsonAsync(HttpStatusCode.RequestEntityTooLarge);
        V2Requests.ShouldConform("ErrorEnvelope", error);
        var blobs = Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "blobs"), "*", SearchOption.AllDirectories).Count(f => Path.GetFileName(f).Length == 64);
        blobs.ShouldBe(1);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> UploadAsync(
        HttpClient client, byte[] bytes, string filePath = "photo.png", string? tags = null, string? expectedHash = null, int? expiresIn = null)
    {
        var form = Form(bytes, filePath, "image/png");
        Add(form, "tags", tags);
        Add(form, "expected_hash", expectedHash);
        Add(form, "expires_in", expiresIn?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await SendAsync(client, HttpMethod.Post, "api/v2/assets", "/api/v2/assets", form);
    }

    /// <summary>Uploads and returns the new asset's id.</summary>
    public static async Task<string> UploadOkAsync(HttpClient client, byte[] bytes, string filePath = "photo.png")
    {
        var (status, asset) = await UploadAsync(client, bytes, filePath);
        status.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
        return asset.GetProperty("id").GetString()!;
    }

    /// <summary>Sends; a JSON answer is checked against <paramref name="specPath"/>'s documented answer for the status (when given).</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(
        HttpClient client, HttpMethod method, string url, string? specPath, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        using var response = await client.SendAsync(request, Ct);
        if (response.Content.Headers.ContentLength == 0 || method == HttpMethod.Head)
        {
            return (response.StatusCode, default);
        }

        var body = specPath is null
            ? await response.ShouldBeJsonAsync(response.StatusCode)
            : await V2Requests.Conformant(response, specPath, method.Method);
        if (specPath is null)
        {
            V2Requests.ShouldConform((int)response.StatusCode >= 400 ? "ErrorEnvelope" : "Asset", body);
        }

        return (response.StatusCode, body);
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> FromHashAsync(HttpClient client, string json, string? specPath = "/api/v2/assets/from-hash")
        => SendAsync(client, HttpMethod.Post, "api/v2/assets/from-hash", specPath, new StringContent(json, Encoding.UTF8, "application/json"));

    private static MultipartFormDataContent Form(byte[] bytes, string filePath, string contentType)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { file, "file", filePath }, { new StringContent(contentType), "content_type" }, { new StringContent(filePath), "file_path" } };
    }

    private static void Add(MultipartFormDataContent form, string name, string? value)
    {
        if (value is not null)
        {
            form.Add(new StringContent(value), name);
        }
    }

    private static async Task ShouldHaveNoAssetsAsync(HttpClient client)
    {
        using var list = await client.GetAsync("api/assets", Ct);
        (await list.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("total").GetInt32().ShouldBe(0);
    }

    private static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);
}

public sealed class V2AssetsApiSqliteTests(SqliteServerFixture fixture) : V2AssetsApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class V2AssetsApiPostgresTests(PostgresServerFixture fixture) : V2AssetsApiTests(fixture), IClassFixture<PostgresServerFixture>;
