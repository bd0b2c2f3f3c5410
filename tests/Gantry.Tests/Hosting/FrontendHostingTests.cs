using System.Net;
using Gantry.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Gantry.Tests.Hosting;

/// <summary><c>Gantry:Frontend:Root</c>: the folder's files at <c>/</c>, routes first, nothing outside the folder.</summary>
public sealed class FrontendHostingTests : IAsyncLifetime
{
    private readonly TempDirectory _site = new("gantry-frontend");
    private GantryTestServer? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GantryTestServer Server => _server!;

    public async ValueTask InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_site.Path, "index.html"), "<!doctype html><title>editor</title>");
        Directory.CreateDirectory(Path.Combine(_site.Path, "assets"));
        File.WriteAllText(Path.Combine(_site.Path, "assets", "app.js"), "console.log(1)");
        File.WriteAllText(Path.Combine(_site.Path, ".env"), "SECRET=1");
        Directory.CreateDirectory(Path.Combine(_site.Path, "api"));
        File.WriteAllText(Path.Combine(_site.Path, "api", "users"), "shadow");
        _server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Frontend:Root"] = _site.Path });
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _site.Dispose();
    }

    [Fact]
    public async Task The_editor_page_is_for_signed_in_users_and_its_files_for_anyone()
    {
        using var user = await Server.CreateUserAsync();
        using (var root = await user.Client.GetAsync("", Ct))
        {
            root.StatusCode.ShouldBe(HttpStatusCode.OK);
            root.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
            (await root.Content.ReadAsStringAsync(Ct)).ShouldContain("<title>editor</title>");
        }

        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using (var stranger = new HttpClient(handler) { BaseAddress = Server.BaseAddress })
        using (var signIn = await stranger.GetAsync("", Ct))
        {
            signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            signIn.Headers.Location!.ToString().ShouldBe("/dashboard/#/signin?next=%2F");
        }

        using var anonymous = Server.CreateClient(null);
        using var script = await anonymous.GetAsync("assets/app.js", Ct);
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType?.MediaType.ShouldBe("text/javascript");
    }

    [Fact]
    public async Task Routes_win_over_files_of_the_same_name()
    {
        using var user = await Server.CreateUserAsync();
        using var users = await user.Client.GetAsync("api/users", Ct);
        (await users.Content.ReadAsStringAsync(Ct)).ShouldContain("\"storage\":\"server\"");
        using var anonymous = Server.CreateClient(null);
        using var refused = await anonymous.GetAsync("api/users", Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(".env")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("assets%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("%2E%2E/%2E%2E/etc/passwd")]
    [InlineData("assets/../../../etc/passwd")]
    [InlineData("nothing-here.js")]
    public async Task Nothing_outside_the_folder_nor_hidden_is_served(string rawPath)
    {
        using var anonymous = Server.CreateClient(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.BaseAddress + rawPath, UriKind.Absolute));
        using var response = await anonymous.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        body.ShouldNotContain("root:");
        body.ShouldNotContain("SECRET");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            response.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized);
        }
        else
        {
            response.RequestMessage!.RequestUri!.AbsolutePath.ShouldStartWith("/dashboard/"); // folded to '/', sent to sign in
        }
    }

    [Fact]
    public async Task Without_a_frontend_the_root_leads_to_the_dashboard()
    {
        await using var plain = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = plain.BaseAddress };
        using var root = await client.GetAsync("", Ct);
        root.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        root.Headers.Location!.ToString().ShouldBe("/dashboard/");
    }

    [Fact]
    public async Task With_no_auth_the_editor_opens_straight_away_and_its_state_needs_no_key()
    {
        await using var open = await GantryTestServer.StartAsync(
            StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Frontend:Root"] = _site.Path, ["Gantry:Auth:Enabled"] = "false" });
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = open.BaseAddress };
        using (var root = await browser.GetAsync("", Ct))
        {
            root.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await root.Content.ReadAsStringAsync(Ct)).ShouldContain("<title>editor</title>");
        }

        using var users = await browser.GetAsync("api/users", Ct);
        (await users.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("storage").GetString().ShouldBe("server");
    }

    [Fact]
    public async Task A_folder_without_index_html_or_missing_stops_the_start()
    {
        using var empty = new TempDirectory("gantry-frontend-empty");
        foreach (var root in new[] { empty.Path, Path.Combine(empty.Path, "missing") })
        {
            var failure = await Should.ThrowAsync<OptionsValidationException>(async () =>
            {
                await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Frontend:Root"] = root });
            });
            failure.Message.ShouldContain("Gantry:Frontend:Root");
        }
    }
}
