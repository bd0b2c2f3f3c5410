using System.Net;
using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;

namespace Gantry.Tests.Api.Admin;

/// <summary>
/// <c>/api/admin/users</c>, <c>/api/admin/queue</c> and <c>/api/admin/system</c> through HTTP on a server that runs jobs:
/// users and keys made and changed by an admin take effect at once; nobody else may use them; every input is bounded.
/// </summary>
[Collection(EmbeddedServerCollection.Name)]
public sealed class AdminUsersApiTests(EmbeddedSqliteServerFixture fixture) : IClassFixture<EmbeddedSqliteServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_creates_a_user_and_a_key_that_works_and_sees_the_users_jobs_in_the_fair_queue()
    {
        using var admin = Server.CreateAdminClient();
        var name = $"alice-{Guid.NewGuid():N}"[..16];
        var user = await PostJsonAsync(admin, "api/admin/users", $$"""{"name": " {{name}} ", "weight": 2, "max_running": 1}""", HttpStatusCode.Created);
        user.GetProperty("name").GetString().ShouldBe(name);
        user.GetProperty("weight").GetDouble().ShouldBe(2);
        user.GetProperty("max_running").GetInt32().ShouldBe(1);
        user.GetProperty("max_queued").ValueKind.ShouldBe(JsonValueKind.Null);
        user.GetProperty("is_admin").GetBoolean().ShouldBeFalse();
        var id = user.GetProperty("id").GetInt64();

        var created = await PostJsonAsync(admin, $"api/admin/users/{id}/keys", """{"name": "laptop"}""", HttpStatusCode.Created);
        var key = created.GetProperty("key").GetString()!;
        key.ShouldStartWith("gk_");
        created.GetProperty("info").GetProperty("prefix").GetString().ShouldBe(key[..11]);
        created.GetProperty("info").GetProperty("name").GetString().ShouldBe("laptop");

        // The new key runs jobs; with max_running 1 the second waits.
        using var client = Server.CreateClient(key);
        string gateName = Guid.NewGuid().ToString(), secondGate = Guid.NewGuid().ToString();
        var first = await JobWaiter.SubmitAsync(client, EngineTestNodes.GateGraph(gateName));
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gateName));
        var second = await JobWaiter.SubmitAsync(client, EngineTestNodes.GateGraph(secondGate));
        try
        {
            var listed = (await GetJsonAsync(admin, "api/admin/users")).EnumerateArray().Single(u => u.GetProperty("id").GetInt64() == id);
            listed.GetProperty("running").GetInt32().ShouldBe(1);
            listed.GetProperty("queued").GetInt32().ShouldBe(1);

            var mine = QueueEntry(await GetJsonAsync(admin, "api/admin/queue"), id);
            mine.GetProperty("name").GetString().ShouldBe(name);
            mine.GetProperty("standing").GetString().ShouldBe("at_limit");
            mine.GetProperty("turn").ValueKind.ShouldBe(JsonValueKind.Null);
            mine.GetProperty("weight").GetDouble().ShouldBe(2);
            mine.GetProperty("running_jobs")[0].GetProperty("id").GetGuid().ShouldBe(first);
            mine.GetProperty("running_jobs")[0].GetProperty("worker").GetString().ShouldBe("embedded-1");
            mine.GetProperty("next_jobs").EnumerateArray().Select(j => j.GetGuid()).ShouldBe([second]);

            // New limits reach the scheduler at once, not at its next refresh of the user.
            var changed = await SendJsonAsync(admin, HttpMethod.Put, $"api/admin/users/{id}/limits", """{"weight": null, "max_running": 5, "max_queued": 10}""", HttpStatusCode.OK);
            changed.GetProperty("weight").ValueKind.ShouldBe(JsonValueKind.Null);
            changed.GetProperty("max_running").GetInt32().ShouldBe(5);
            changed.GetProperty("max_queued").GetInt32().ShouldBe(10);
            var after = QueueEntry(await GetJsonAsync(admin, "api/admin/queue"), id);
            after.GetProperty("max_running").GetInt32().ShouldBe(5);
            after.GetProperty("weight").GetDouble().ShouldBe(1);
            var stored = await Server.Store.GetUserAsync(id, Ct);
            stored!.MaxRunning.ShouldBe(5);
            stored.MaxQueued.ShouldBe(10);
            stored.Weight.ShouldBeNull();
        }
        finally
        {
            using var cancel = await client.PostAsync($"api/jobs/{second}/cancel", null, Ct);
            TestGate.Named(secondGate).Open();
            TestGate.Named(gateName).Open();
        }

        await JobWaiter.StatusAsync(Server, client, first, "completed");
    }

    [Fact]
    public async Task A_revoked_key_fails_at_once_and_keys_are_listed_without_their_secret()
    {
        using var admin = Server.CreateAdminClient();
        using var owner = await Server.CreateUserAsync();
        var made = await PostJsonAsync(admin, $"api/admin/users/{owner.User.Id}/keys", "", HttpStatusCode.Created);
        var key = made.GetProperty("key").GetString()!;
        var keyId = made.GetProperty("info").GetProperty("id").GetInt64();
        made.GetProperty("info").GetProperty("name").ValueKind.ShouldBe(JsonValueKind.Null);

        using var client = Server.CreateClient(key);
        using (var before = await client.GetAsync("api/jobs", Ct))
        {
            before.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var listResponse = await admin.GetAsync($"api/admin/users/{owner.User.Id}/keys", Ct))
        {
            var text = await listResponse.Content.ReadAsStringAsync(Ct);
            listResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
            text.ShouldNotContain(key);
            text.ShouldNotContain(owner.Key);
            var keys = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
            keys.Select(k => k.GetProperty("id").GetInt64()).ShouldBe([owner.KeyId, keyId]);
            foreach (var listed in keys)
            {
                listed.TryGetProperty("key", out _).ShouldBeFalse();
                listed.GetProperty("revoked_at").ValueKind.ShouldBe(JsonValueKind.Null);
            }

        }

        var revoked = await PostJsonAsync(admin, $"api/admin/users/{owner.User.Id}/keys/{keyId}/revoke", "", HttpStatusCode.OK);
        revoked.GetProperty("revoked_at").GetInt64().ShouldBeGreaterThan(0);

        // The very next request with it fails, although it was verified (and cached) a moment ago; the other key still works.
        using (var after = await client.GetAsync("api/jobs", Ct))
        {
            await after.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        using (var other = await owner.Client.GetAsync("api/jobs", Ct))
        {
            other.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var again = await admin.PostAsync($"api/admin/users/{owner.User.Id}/keys/{keyId}/revoke", null, Ct))
        {
            await again.ShouldBeErrorAsync(HttpStatusCode.Conflict, "conflict");
        }

        // A key is revoked only through its own user.
        using var stranger = await Server.CreateUserAsync();
        using (var wrongUser = await admin.PostAsync($"api/admin/users/{stranger.User.Id}/keys/{owner.KeyId}/revoke", null, Ct))
        {
            await wrongUser.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        }

        using var stillThere = await owner.Client.GetAsync("api/jobs", Ct);
        stillThere.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("get", "api/admin/users")]
    [InlineData("post", "api/admin/users")]
    [InlineData("put", "api/admin/users/1/limits")]
    [InlineData("get", "api/admin/users/1/keys")]
    [InlineData("post", "api/admin/users/1/keys")]
    [InlineData("post", "api/admin/users/1/keys/1/revoke")]
    [InlineData("get", "api/admin/queue")]
    [InlineData("get", "api/admin/system")]
    public async Task Only_admins_may_use_them(string method, string path)
    {
        using var user = await Server.CreateUserAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path);
        if (method != "get")
        {
            request.Content = TestWorkflows.Json($$"""{"name": "mallory-{{Guid.NewGuid():N}}", "is_admin": true}""");
        }

        using var refused = await user.Client.SendAsync(request, Ct);
        await refused.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        (await Server.Store.ListUsersAsync(Ct)).ShouldNotContain(u => u.Name.StartsWith("mallory-", StringComparison.Ordinal));
        (await Server.Store.ListApiKeysAsync(1, Ct)).ShouldAllBe(k => !k.IsRevoked);

        using var anonymous = Server.CreateClient(apiKey: null);
        using var unauthenticated = await anonymous.GetAsync(path, Ct);
        await unauthenticated.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("""{"is_admin": true}""", "invalid_request")]
    [InlineData("""{"name": "   "}""", "invalid_request")]
    [InlineData("""{"name": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "invalid_request")]
    [InlineData("""{"name": "bell\u0007"}""", "invalid_request")]
    [InlineData("""{"name": "ok-name", "weight": 0}""", "invalid_request")]
    [InlineData("""{"name": "ok-name", "weight": 1000.5}""", "invalid_request")]
    [InlineData("""{"name": "ok-name", "max_running": -1}""", "invalid_request")]
    [InlineData("""{"name": "ok-name", "max_running": 10001}""", "invalid_request")]
    [InlineData("""{"name": "ok-name", "max_queued": 1000001}""", "invalid_request")]
    [InlineData("""{"name": "ok-name", "max_queued": 1.5}""", "invalid_request")]
    [InlineData("""{"name": 5}""", "invalid_request")]
    [InlineData("""["ok-name"]""", "invalid_request")]
    [InlineData("", "invalid_request")]
    [InlineData("{", "invalid_json")]
    public async Task Bad_users_are_refused_and_nothing_is_written(string body, string code)
    {
        using var admin = Server.CreateAdminClient();
        var before = (await Server.Store.ListUsersAsync(Ct)).Count;
        using var response = await admin.PostAsync("api/admin/users", TestWorkflows.Json(body), Ct);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, code);
        (await Server.Store.ListUsersAsync(Ct)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Limits_names_and_sizes_are_bounded_and_unknown_users_are_not_found()
    {
        using var admin = Server.CreateAdminClient();
        using var owner = await Server.CreateUserAsync();

        // Exactly at the bounds is fine; one past is refused, and the stored limits stay as they were.
        await SendJsonAsync(admin, HttpMethod.Put, $"api/admin/users/{owner.User.Id}/limits", """{"weight": 1000, "max_running": 10000, "max_queued": 1000000}""", HttpStatusCode.OK);
        foreach (var body in new[] { """{"weight": 1000.001}""", """{"max_running": 10001}""", """{"max_queued": -1}""", """{"weight": "NaN"}""" })
        {
            using var refused = await admin.PutAsync($"api/admin/users/{owner.User.Id}/limits", TestWorkflows.Json(body), Ct);
            await refused.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_request");
        }

        (await Server.Store.GetUserAsync(owner.User.Id, Ct))!.MaxQueued.ShouldBe(1_000_000);

        var longName = new string('k', 101);
        using (var tooLong = await admin.PostAsync($"api/admin/users/{owner.User.Id}/keys", TestWorkflows.Json($$"""{"name": "{{longName}}"}"""), Ct))
        {
            await tooLong.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_request");
        }

        await PostJsonAsync(admin, $"api/admin/users/{owner.User.Id}/keys", $$"""{"name": "{{longName[..100]}}"}""", HttpStatusCode.Created);
        using (var huge = await admin.PostAsync("api/admin/users", TestWorkflows.Json($$"""{"name": "x", "pad": "{{new string('p', 5000)}}"}"""), Ct))
        {
            await huge.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        }

        using (var duplicate = await admin.PostAsync("api/admin/users", TestWorkflows.Json($$"""{"name": "{{owner.User.Name}}"}"""), Ct))
        {
            await duplicate.ShouldBeErrorAsync(HttpStatusCode.Conflict, "conflict");
        }

        using (var noUser = await admin.PutAsync("api/admin/users/987654321/limits", TestWorkflows.Json("{}"), Ct))
        {
            await noUser.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        }

        using (var noKeys = await admin.GetAsync("api/admin/users/987654321/keys", Ct))
        {
            await noKeys.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        }

        using var noKeyOwner = await admin.PostAsync("api/admin/users/987654321/keys", null, Ct);
        await noKeyOwner.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_system_page_counts_jobs_by_state_and_per_minute_and_the_routes_are_documented()
    {
        using var user = await Server.CreateUserAsync();
        var done = await JobWaiter.SubmitAsync(user.Client, TestWorkflows.Simple);
        await JobWaiter.StatusAsync(Server, user.Client, done, "completed");
        using var admin = Server.CreateAdminClient();
        var system = await GetJsonAsync(admin, "api/admin/system");
        system.GetProperty("store").GetString().ShouldBe("sqlite");
        system.GetProperty("version").GetString().ShouldNotBeNullOrEmpty();
        system.GetProperty("jobs_by_state").GetProperty("succeeded").GetInt64().ShouldBeGreaterThanOrEqualTo(1);
        system.GetProperty("jobs_by_state").EnumerateObject().Select(p => p.Name)
            .ShouldBe(["queued", "dispatched", "running", "cancelling", "succeeded", "failed", "cancelled"]);
        var minutes = system.GetProperty("finished_per_minute").EnumerateArray().ToList();
        minutes.Count.ShouldBe(60);
        minutes.Select(m => m.GetProperty("start").GetInt64()).ShouldBeInOrder();
        (minutes[^1].GetProperty("start").GetInt64() - minutes[0].GetProperty("start").GetInt64()).ShouldBe(59 * 60_000);
        var record = (await Server.Store.GetJobAsync(done, Ct))!;
        var bucket = minutes.Single(m => m.GetProperty("start").GetInt64() == record.StateChangedAtMs / 60_000 * 60_000);
        bucket.GetProperty("succeeded").GetInt64().ShouldBeGreaterThanOrEqualTo(1);
        var workers = system.GetProperty("workers");
        workers.GetProperty("online").GetInt32().ShouldBe(1);
        workers.GetProperty("slots").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        workers.GetProperty("utilisation").GetDouble().ShouldBeInRange(0, 1);

        using var anonymous = Server.CreateClient(apiKey: null);
        var openApi = await anonymous.GetStringAsync("openapi/v1.json", Ct);
        foreach (var route in new[] { "/api/admin/users", "/api/admin/users/{id}/limits", "/api/admin/users/{id}/keys", "/api/admin/users/{id}/keys/{keyId}/revoke", "/api/admin/queue", "/api/admin/system" })
        {
            openApi.ShouldContain($"\"{route}\"");
        }
    }

    private static JsonElement QueueEntry(JsonElement queue, long userId)
        => queue.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("user_id").GetInt64() == userId);

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        return await response.ShouldBeJsonAsync(HttpStatusCode.OK);
    }

    private static Task<JsonElement> PostJsonAsync(HttpClient client, string path, string body, HttpStatusCode status)
        => SendJsonAsync(client, HttpMethod.Post, path, body, status);

    private static async Task<JsonElement> SendJsonAsync(HttpClient client, HttpMethod method, string path, string body, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(method, path) { Content = TestWorkflows.Json(body) };
        using var response = await client.SendAsync(request, Ct);
        return await response.ShouldBeJsonAsync(status);
    }
}
