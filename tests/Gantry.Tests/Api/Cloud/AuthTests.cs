using System.Net;
using System.Net.Http.Headers;
using Gantry.Auth;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Cloud;

/// <summary>API keys through real HTTP: the three ways to send one, and the 401s.</summary>
public sealed class AuthTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Theory]
    [InlineData("GET", "api/jobs")]
    [InlineData("GET", "api/queue")]
    [InlineData("GET", "api/prompt")]
    [InlineData("POST", "api/prompt")]
    [InlineData("GET", "api/job/0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11/status")]
    [InlineData("POST", "api/interrupt")]
    public async Task A_missing_key_gets_401_with_code_and_message(string method, string path)
    {
        using var client = Server.CreateClient(apiKey: null);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? TestWorkflows.Json(TestWorkflows.Body()) : null };
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var json = await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
        json.GetProperty("message").GetString()!.ShouldContain("X-API-Key");
    }

    [Theory]
    [InlineData("gk_wrong")]
    [InlineData("")]
    [InlineData("gk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_wrong_key_gets_401(string key)
    {
        using var client = Server.CreateClient(apiKey: null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-API-Key", key);
        using var response = await client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_key_works_as_X_API_Key_as_Bearer_and_as_token_query()
    {
        using var user = await Server.CreateUserAsync();
        using var bare = Server.CreateClient(apiKey: null);

        using (var header = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken))
        {
            await header.ShouldBeJsonAsync(HttpStatusCode.OK);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/jobs"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Key);
            using var bearer = await bare.SendAsync(request, TestContext.Current.CancellationToken);
            await bearer.ShouldBeJsonAsync(HttpStatusCode.OK);
        }

        using var query = await bare.GetAsync($"api/jobs?token={Uri.EscapeDataString(user.Key)}", TestContext.Current.CancellationToken);
        await query.ShouldBeJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Public_endpoints_need_no_key()
    {
        using var client = Server.CreateClient(apiKey: null);
        using var health = await client.GetAsync("healthz", TestContext.Current.CancellationToken);
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var openApi = await client.GetAsync("openapi/v1.json", TestContext.Current.CancellationToken);
        openApi.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_first_start_wrote_the_admin_key_to_a_file_only_its_owner_can_read()
    {
        var path = Path.Combine(Server.DataDirectory, AdminBootstrap.AdminKeyFileName);
        (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Trim().ShouldBe(Server.AdminKey);
        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Server.AdminKey.ShouldStartWith(ApiKeys.KeyPrefix);

        using var admin = Server.CreateAdminClient();
        using var response = await admin.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        await response.ShouldBeJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Keys_are_stored_only_as_hashes()
    {
        using var user = await Server.CreateUserAsync();
        var keys = await Server.Store.ListApiKeysAsync(user.User.Id, CancellationToken.None);
        keys.Count.ShouldBe(1);
        keys[0].Prefix.ShouldBe(user.Key[..ApiKeys.DisplayPrefixLength]);

        var found = await Server.Store.FindActiveApiKeyAsync(ApiKeys.Hash(user.Key), CancellationToken.None);
        found.ShouldNotBeNull();
        found.Value.User.Id.ShouldBe(user.User.Id);

        var database = Path.Combine(Server.DataDirectory, "gantry.db");
        var bytes = await File.ReadAllBytesAsync(database, TestContext.Current.CancellationToken);
        System.Text.Encoding.ASCII.GetString(bytes).ShouldNotContain(user.Key);
    }
}

/// <summary>Revocation, on a server that does not cache verified keys.</summary>
public sealed class KeyRevocationTests : IAsyncLifetime
{
    private GantryTestServer? _server;

    public async ValueTask InitializeAsync()
        => _server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Auth:KeyCacheDuration"] = "00:00:00" });

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_revoked_key_gets_401()
    {
        using var user = await _server!.CreateUserAsync();
        using (var before = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken))
        {
            before.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await _server.Store.RevokeApiKeyAsync(user.KeyId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CancellationToken.None)).ShouldBeTrue();

        using var after = await user.Client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        await after.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}
