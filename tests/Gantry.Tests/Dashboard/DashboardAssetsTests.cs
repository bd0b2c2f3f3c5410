using System.Net;
using Gantry.Api.Dashboard;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Dashboard;

/// <summary>The dashboard's files through real HTTP: served from the assembly without a key, with a strict CSP, small.</summary>
public sealed class DashboardAssetsTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task The_root_leads_to_the_dashboard()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress };
        using var root = await client.GetAsync("/", Ct);
        root.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        root.Headers.Location!.ToString().ShouldBe("/dashboard/");
        using var bare = await client.GetAsync("/dashboard", Ct);
        bare.Headers.Location!.ToString().ShouldBe("/dashboard/");
    }

    [Fact]
    public async Task The_page_and_its_scripts_come_without_a_key_under_a_strict_policy()
    {
        using var client = Server.CreateClient(apiKey: null);
        using var page = await client.GetAsync("dashboard/", Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'self'");
        csp.ShouldContain("frame-ancestors 'none'");
        page.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        var html = await page.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("<script type=\"module\" src=\"js/app.js\">");

        using var script = await client.GetAsync("dashboard/js/app.js", Ct);
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
    }

    [Fact]
    public async Task An_unchanged_file_is_304_and_an_unknown_one_404()
    {
        using var client = Server.CreateClient(apiKey: null);
        using var first = await client.GetAsync("dashboard/app.css", Ct);
        var etag = first.Headers.ETag.ShouldNotBeNull();
        using var request = new HttpRequestMessage(HttpMethod.Get, "dashboard/app.css");
        request.Headers.IfNoneMatch.Add(etag);
        using var again = await client.SendAsync(request, Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.NotModified);

        using var missing = await client.GetAsync("dashboard/js/../../api/jobs", Ct);
        missing.StatusCode.ShouldNotBe(HttpStatusCode.OK);
        using var unknown = await client.GetAsync("dashboard/nope.js", Ct);
        await unknown.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public void Every_file_is_embedded_and_the_whole_dashboard_stays_under_300_KB()
    {
        var assets = new DashboardAssets();
        assets.Paths.ShouldContain("index.html");
        assets.Paths.ShouldContain("js/app.js");
        var total = assets.Paths.Sum(path => assets.Find(path)!.Bytes.Length);
        total.ShouldBeLessThan(300 * 1024);
    }
}
