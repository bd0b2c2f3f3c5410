using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Gantry.Tests.Dashboard;

/// <summary>
/// Browser sessions through real HTTP: an API key is exchanged once for the session cookie, which then authenticates
/// every route (with CSRF proof on writes), ends on sign-out, expiry, or revocation of its key, and survives a restart.
/// </summary>
public sealed class SessionApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Sign_in_sets_a_strict_http_only_cookie_that_authenticates_reads(StoreKind kind)
    {
        SkipWithoutPostgres(kind);
        await using var server = await GantryTestServer.StartAsync(kind);
        using var user = await server.CreateUserAsync();
        using var browser = CookieClient.For(server);

        using var signIn = await browser.SignInAsync(user.Key);
        signIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single();
        setCookie.ShouldStartWith("gantry_session=gs_");
        setCookie.ShouldContain("httponly", Case.Insensitive);
        setCookie.ShouldContain("samesite=strict", Case.Insensitive);
        setCookie.ShouldContain("path=/");
        setCookie.ShouldNotContain("secure", Case.Insensitive);
        setCookie.ShouldNotContain(user.Key);
        var body = browser.SignInBody.ShouldNotBeNull();
        body.GetProperty("user").GetProperty("name").GetString().ShouldBe(user.User.Name);
        body.GetProperty("auth").GetString().ShouldBe("session");
        browser.CsrfToken.ShouldNotBeNullOrEmpty();

        using var jobs = await browser.Client.GetAsync("api/jobs", Ct);
        jobs.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var current = await browser.Client.GetAsync(CookieClient.SessionPath, Ct);
        var session = await current.Content.ReadFromJsonAsync<JsonElement>(Ct);
        session.GetProperty("csrf_token").GetString().ShouldBe(browser.CsrfToken);
        session.GetProperty("user").GetProperty("is_admin").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task A_cookie_write_needs_csrf_proof_and_an_api_key_write_does_not()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var user = await server.CreateUserAsync();
        using var browser = await CookieClient.SignedInAsync(server, user.Key);

        using (var missing = await browser.SendAsync(HttpMethod.Post, "api/prompt", TestWorkflows.Json(TestWorkflows.Body()), withCsrf: false))
        {
            await missing.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "csrf_failed");
        }

        using (var wrong = await browser.SendAsync(HttpMethod.Post, "api/prompt", TestWorkflows.Json(TestWorkflows.Body()), false, ("X-CSRF-Token", "nope")))
        {
            await wrong.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "csrf_failed");
        }

        using (var crossSite = await browser.SendAsync(HttpMethod.Post, "api/prompt", TestWorkflows.Json(TestWorkflows.Body()), false, ("Sec-Fetch-Site", "same-site")))
        {
            await crossSite.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "csrf_failed");
        }

        using (var foreignOrigin = await browser.SendAsync(HttpMethod.Post, "api/prompt", TestWorkflows.Json(TestWorkflows.Body()), false, ("Origin", "http://evil.example")))
        {
            await foreignOrigin.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "csrf_failed");
        }

        (await server.Store.CountUserJobsInStatesAsync(user.User.Id, Gantry.Jobs.JobStateMachine.ActiveStates, Ct)).ShouldBe(0);

        using (var withToken = await browser.SendAsync(HttpMethod.Post, "api/prompt", TestWorkflows.Json(TestWorkflows.Body())))
        {
            withToken.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var sameOrigin = await browser.SendAsync(HttpMethod.Post, "api/prompt", TestWorkflows.Json(TestWorkflows.Body()), false, ("Sec-Fetch-Site", "same-origin")))
        {
            sameOrigin.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var byKey = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), Ct);
        byKey.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.Store.CountUserJobsInStatesAsync(user.User.Id, Gantry.Jobs.JobStateMachine.ActiveStates, Ct)).ShouldBe(3);
    }

    [Fact]
    public async Task Same_origin_marks_are_refused_when_the_setting_is_off()
    {
        await using var server = await GantryTestServer.StartAsync(
            StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Sessions:AcceptSameOriginRequests"] = "false" });
        using var user = await server.CreateUserAsync();
        using var browser = await CookieClient.SignedInAsync(server, user.Key);

        using var sameOrigin = await browser.SendAsync(HttpMethod.Post, "api/prompt", TestWorkflows.Json(TestWorkflows.Body()), false, ("Sec-Fetch-Site", "same-origin"));
        await sameOrigin.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "csrf_failed");
        using var withToken = await browser.SendAsync(HttpMethod.Post, "api/prompt", TestWorkflows.Json(TestWorkflows.Body()));
        withToken.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_and_closes_its_socket()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var user = await server.CreateUserAsync();
        using var browser = await CookieClient.SignedInAsync(server, user.Key);
        var token = browser.SessionCookie(server.BaseAddress).ShouldNotBeNull();
        using var socket = await ConnectWithCookieAsync(server, token, origin: server.BaseAddress.GetLeftPart(UriPartial.Authority));
        await ReceiveGreetingAsync(socket);

        using (var noCsrf = await browser.SendAsync(HttpMethod.Delete, CookieClient.SessionPath, withCsrf: false))
        {
            await noCsrf.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "csrf_failed");
        }

        using (var signOut = await browser.SendAsync(HttpMethod.Delete, CookieClient.SessionPath))
        {
            signOut.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            signOut.Headers.GetValues("Set-Cookie").Single().ShouldContain("expires=Thu, 01 Jan 1970", Case.Insensitive);
        }

        browser.SessionCookie(server.BaseAddress).ShouldBeNull();
        (await ReceiveCloseAsync(socket)).ShouldBe(WebSocketCloseStatus.PolicyViolation);

        // The old cookie, replayed by someone who kept it, no longer works.
        using var replay = CookieClient.For(server);
        replay.Cookies.Add(server.BaseAddress, new Cookie("gantry_session", token));
        using var after = await replay.Client.GetAsync("api/jobs", Ct);
        await after.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_socket_opened_by_cookie_from_a_foreign_origin_is_refused()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var user = await server.CreateUserAsync();
        using var browser = await CookieClient.SignedInAsync(server, user.Key);
        var token = browser.SessionCookie(server.BaseAddress).ShouldNotBeNull();

        using var foreign = NewSocket(token, "http://evil.example");
        await Should.ThrowAsync<WebSocketException>(() => foreign.ConnectAsync(WsUri(server), Ct));
        ((int)foreign.HttpStatusCode).ShouldBe(403);
    }

    [Fact]
    public async Task Idle_and_absolute_expiry_end_a_session()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GantryTestServer.StartAsync(
            StoreKind.Sqlite,
            new Dictionary<string, string> { ["Gantry:Sessions:IdleTimeout"] = "00:10:00", ["Gantry:Sessions:AbsoluteLifetime"] = "00:30:00" },
            builder => builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        using var user = await server.CreateUserAsync();

        using var idle = await CookieClient.SignedInAsync(server, user.Key);
        using var busy = await CookieClient.SignedInAsync(server, user.Key);
        for (var minute = 0; minute < 25; minute += 5)
        {
            clock.Advance(TimeSpan.FromMinutes(5));
            using var used = await busy.Client.GetAsync("api/jobs", Ct);
            used.StatusCode.ShouldBe(HttpStatusCode.OK, $"after {minute + 5} minutes of use");
        }

        using (var idleAfter = await idle.Client.GetAsync("api/jobs", Ct))
        {
            await idleAfter.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
            idleAfter.Headers.GetValues("Set-Cookie").Single().ShouldStartWith("gantry_session=;");
        }

        clock.Advance(TimeSpan.FromMinutes(5).Add(TimeSpan.FromSeconds(1)));
        using var expired = await busy.Client.GetAsync("api/jobs", Ct);
        await expired.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Revoking_the_key_ends_its_sessions_on_every_instance(StoreKind kind)
    {
        SkipWithoutPostgres(kind);
        await using var server = await GantryTestServer.StartAsync(kind);
        using var user = await server.CreateUserAsync();
        using var browser = await CookieClient.SignedInAsync(server, user.Key);
        await using var second = kind == StoreKind.Postgres ? await server.StartSecondInstanceAsync() : null;
        using var elsewhere = second is null ? null : CookieClient.For(second);
        elsewhere?.Cookies.Add(second!.BaseAddress, new Cookie("gantry_session", browser.SessionCookie(server.BaseAddress)!));
        if (elsewhere is not null)
        {
            using var before = await elsewhere.Client.GetAsync("api/jobs", Ct);
            before.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await server.Store.RevokeApiKeyAsync(user.KeyId, 1, Ct)).ShouldBeTrue();

        using var after = await browser.Client.GetAsync("api/jobs", Ct);
        await after.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
        if (elsewhere is not null)
        {
            using var afterElsewhere = await elsewhere.Client.GetAsync("api/jobs", Ct);
            await afterElsewhere.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        using var again = await browser.SignInAsync(user.Key);
        await again.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_session_survives_a_restart()
    {
        var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        await using var owner = server;
        using var user = await server.CreateUserAsync();
        using var browser = await CookieClient.SignedInAsync(server, user.Key);
        var token = browser.SessionCookie(server.BaseAddress).ShouldNotBeNull();

        await using var restarted = await server.RestartAsync();
        using var again = CookieClient.For(restarted);
        again.Cookies.Add(restarted.BaseAddress, new Cookie("gantry_session", token));
        using var jobs = await again.Client.GetAsync("api/jobs", Ct);
        jobs.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("{\"api_key\":\"gk_wrong\"}", "application/json", HttpStatusCode.Unauthorized)]
    [InlineData("{\"api_key\":\"\"}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"api_key\":5}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("not json", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"api_key\":\"gk_x\"}", "text/plain", HttpStatusCode.UnsupportedMediaType)]
    public async Task A_bad_sign_in_sets_no_cookie(string body, string contentType, HttpStatusCode status)
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var browser = CookieClient.For(server);
        using var response = await browser.Client.PostAsync(CookieClient.SessionPath, new StringContent(body, System.Text.Encoding.UTF8, contentType), Ct);
        response.StatusCode.ShouldBe(status);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_body_one_past_the_bound_is_413_and_a_foreign_origin_cannot_sign_in()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var user = await server.CreateUserAsync();
        using var browser = CookieClient.For(server);
        var padded = "{\"api_key\":\"" + user.Key + "\",\"pad\":\"" + new string('x', 4096) + "\"}";
        using (var large = await browser.Client.PostAsync(CookieClient.SessionPath, new StringContent(padded, System.Text.Encoding.UTF8, "application/json"), Ct))
        {
            await large.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, CookieClient.SessionPath)
        {
            Content = new StringContent("{\"api_key\":\"" + user.Key + "\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", "http://evil.example");
        using var foreign = await browser.Client.SendAsync(request, Ct);
        await foreign.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "forbidden");
        browser.SessionCookie(server.BaseAddress).ShouldBeNull();
    }

    [Fact]
    public async Task Guessing_keys_through_sign_in_is_rate_limited_per_address()
    {
        await using var server = await GantryTestServer.StartAsync(
            StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Sessions:SignInAttemptsPerMinute"] = "3" });
        using var user = await server.CreateUserAsync();
        using var browser = CookieClient.For(server);
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await browser.SignInAsync("gk_guess" + i);
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var limited = await browser.SignInAsync(user.Key);
        await limited.ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "too_many_requests");
        limited.Headers.RetryAfter.ShouldNotBeNull();
        browser.SessionCookie(server.BaseAddress).ShouldBeNull();
    }

    [Fact]
    public async Task With_no_auth_the_session_endpoint_names_the_local_admin_without_a_cookie()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Auth:Enabled"] = "false" });
        using var browser = CookieClient.For(server);
        using var current = await browser.Client.GetAsync(CookieClient.SessionPath, Ct);
        current.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await current.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("auth").GetString().ShouldBe("none");
        body.GetProperty("user").GetProperty("is_admin").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task An_api_key_request_reports_itself_and_a_signed_out_browser_gets_401()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var admin = server.CreateAdminClient();
        var body = await admin.GetFromJsonAsync<JsonElement>(CookieClient.SessionPath, Ct);
        body.GetProperty("auth").GetString().ShouldBe("api_key");
        body.TryGetProperty("csrf_token", out _).ShouldBeFalse();

        using var browser = CookieClient.For(server);
        using var anonymous = await browser.Client.GetAsync(CookieClient.SessionPath, Ct);
        await anonymous.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
        browser.Cookies.Add(server.BaseAddress, new Cookie("gantry_session", "gs_forged"));
        using var forged = await browser.Client.GetAsync("api/jobs", Ct);
        await forged.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Lifetimes_that_contradict_each_other_stop_the_start()
    {
        await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => GantryTestServer.StartAsync(
            StoreKind.Sqlite,
            new Dictionary<string, string> { ["Gantry:Sessions:IdleTimeout"] = "02:00:00", ["Gantry:Sessions:AbsoluteLifetime"] = "01:00:00" }));
    }

    private static void SkipWithoutPostgres(StoreKind kind)
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    private static Uri WsUri(GantryTestServer server) => new(server.BaseAddress.ToString().Replace("http", "ws", StringComparison.Ordinal) + "ws");

    private static ClientWebSocket NewSocket(string token, string origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", "gantry_session=" + token);
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        return socket;
    }

    private static async Task<ClientWebSocket> ConnectWithCookieAsync(GantryTestServer server, string token, string origin)
    {
        var socket = NewSocket(token, origin);
        await socket.ConnectAsync(WsUri(server), Ct);
        return socket;
    }

    private static async Task ReceiveGreetingAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, Ct);
        result.MessageType.ShouldBe(WebSocketMessageType.Text);
    }

    private static async Task<WebSocketCloseStatus?> ReceiveCloseAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, Ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return result.CloseStatus;
            }
        }
    }
}
