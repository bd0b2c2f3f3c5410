using System.Net;
using System.Text.RegularExpressions;
using Gantry.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Gantry.Tests.Dashboard;

/// <summary>The interactive reference at <c>/docs</c> in a real Chromium: it renders Gantry's document and fetches
/// nothing from any other origin (every such request is recorded and refused).</summary>
public sealed class ApiReferenceBrowserTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task The_reference_renders_from_gantry_alone()
    {
        using var client = Server.CreateClient(apiKey: null);
        using (var page = await client.GetAsync("docs", TestContext.Current.CancellationToken))
        {
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await using var browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        var tab = await browser.NewPageAsync(errors);
        var origin = Server.BaseAddress.GetLeftPart(UriPartial.Authority);
        var foreign = new List<string>();
        await tab.Context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith(origin, StringComparison.Ordinal) || route.Request.Url.StartsWith("data:", StringComparison.Ordinal) || route.Request.Url.StartsWith("blob:", StringComparison.Ordinal))
            {
                await route.ContinueAsync();
                return;
            }

            lock (foreign)
            {
                foreign.Add(route.Request.Url);
            }

            await route.AbortAsync();
        });

        await tab.GotoAsync(new Uri(Server.BaseAddress, "/docs").ToString());
        // The sidebar lists the document's tag groups (only the first is open, and which one is first depends on
        // the order routes are mapped), so wait for a group this document has, open or closed.
        await tab.GetByText(new Regex("^(Open|Close) Group - job$")).First.WaitForAsync();
        await tab.GetByText(new Regex("^(Open|Close) Group - admin$")).First.WaitForAsync();
        await tab.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Browser.ScreenshotAsync(tab, "docs");
        lock (foreign)
        {
            foreign.ShouldBeEmpty();
        }
    }
}
