using System.Net;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;
using Microsoft.Playwright;

namespace Gantry.Tests.Dashboard;

/// <summary>
/// The admin pages in a real Chromium against a server running jobs: users and keys (create, limits, a key shown once
/// and copied, revoke), every user's queue in fairness order, the system page in both themes; a non-admin sees none.
/// </summary>
[Collection(EmbeddedServerCollection.Name)]
public sealed class AdminPagesBrowserTests(EmbeddedSqliteServerFixture fixture) : IClassFixture<EmbeddedSqliteServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task An_admin_manages_users_and_keys_sees_every_queue_in_fair_order_and_the_system()
    {
        // A few finished jobs for the system page's chart of the last hour.
        using (var adminClient = Server.CreateAdminClient())
        {
            for (var i = 0; i < 3; i++)
            {
                await JobWaiter.StatusAsync(Server, adminClient, await JobWaiter.SubmitAsync(adminClient, TestWorkflows.Simple), "completed");
            }
        }

        await using var browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        var page = await browser.NewPageAsync(errors);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GotoAsync(new Uri(Server.BaseAddress, "/dashboard/#/users").ToString());
        await page.GetByLabel("API key").FillAsync(Server.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // Create a user with the keyboard only: type the name, Enter submits.
        var name = $"bob-{Guid.NewGuid():N}"[..12];
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Name", new() { Exact = true }).PressAsync("Enter");
        await page.Locator($"tr[data-user='{name}'][aria-selected='true']").WaitForAsync();
        var user = (await Server.Store.FindUserByNameAsync(name, CancellationToken.None)).ShouldNotBeNull();

        // Limits: weight 2, one job at a time; the table shows them after saving.
        await page.GetByLabel("Weight").FillAsync("2");
        await page.GetByLabel("Max running (0 = none)").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save limits" }).ClickAsync();
        await page.Locator($"tr[data-user='{name}'] td:nth-child(3)", new() { HasTextString = "1" }).WaitForAsync();
        (await Server.Store.GetUserAsync(user.Id, CancellationToken.None))!.MaxRunning.ShouldBe(1);

        // A key, shown once with a copy button; the list shows only its prefix.
        await page.GetByLabel("Key name").FillAsync("ci");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = await page.GetByLabel("New API key").InputValueAsync();
        key.ShouldStartWith("gk_");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy key" }).ClickAsync();
        await page.GetByText("Key copied.").WaitForAsync();
        (await page.EvaluateAsync<string>("navigator.clipboard.readText()")).ShouldBe(key);
        await page.Locator("tr[data-key]", new() { HasTextString = key[..11] + "…" }).WaitForAsync();
        (await page.Locator("#user-detail table").InnerTextAsync()).ShouldNotContain(key);
        await Browser.ScreenshotAsync(page, "users");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "users");

        // The key works; with one job at a time, the second waits: the all-queues page says so.
        using var client = Server.CreateClient(key);
        string gate = Guid.NewGuid().ToString(), secondGate = Guid.NewGuid().ToString();
        var first = await JobWaiter.SubmitAsync(client, EngineTestNodes.GateGraph(gate));
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gate));
        var second = await JobWaiter.SubmitAsync(client, EngineTestNodes.GateGraph(secondGate));
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "All queues" }).ClickAsync();
            var row = page.Locator($"tr[data-user='{name}']");
            await row.GetByText("at their limit").WaitForAsync();
            (await row.InnerTextAsync()).ShouldContain(second.ToString()[..8]);
            (await row.InnerTextAsync()).ShouldContain($"{first.ToString()[..8]} on embedded-1");
            await Browser.ScreenshotAsync(page, "all-queues");
            await Accessibility.AssertNoSeriousViolationsAsync(page, "all-queues");

            // The system page: the store, counts and the chart of the last hour, in both themes.
            await page.GetByRole(AriaRole.Link, new() { Name = "System" }).ClickAsync();
            (await page.Locator("#sys-store").InnerTextAsync()).ShouldBe("SQLite");
            (await page.Locator("svg.chart g[data-minute]").CountAsync()).ShouldBe(60);
            (await page.Locator("svg.chart rect.ok").CountAsync()).ShouldBeGreaterThanOrEqualTo(1);
            (await page.Locator("[data-state='succeeded'] dd").InnerTextAsync()).ShouldBe("3");
            await page.Locator("[data-state='running'] dd", new() { HasTextString = "1" }).WaitForAsync();
            (await page.Locator("#sys-utilisation").InnerTextAsync()).ShouldContain("slots busy");
            await Browser.ScreenshotAsync(page, "system");
            await Accessibility.AssertNoSeriousViolationsAsync(page, "system");
            await page.GetByRole(AriaRole.Button, new() { Name = "Switch between light and dark theme" }).ClickAsync();
            await Browser.ScreenshotAsync(page, "system-theme-switched");
        }
        finally
        {
            using var cancel = await client.PostAsync($"api/jobs/{second}/cancel", null, TestContext.Current.CancellationToken);
            TestGate.Named(secondGate).Open();
            TestGate.Named(gate).Open();
        }

        await JobWaiter.StatusAsync(Server, client, first, "completed");

        // Revoke from the page: the key fails at once.
        await page.GotoAsync(new Uri(Server.BaseAddress, $"/dashboard/#/users?user={user.Id}").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke key {key[..11]}" }).ClickAsync();
        await page.GetByText($"Key {key[..11]}… revoked.").WaitForAsync();
        // The message comes first and the key list reloads after it: wait for the button to go, as a user would see.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke key {key[..11]}" }).WaitForAsync(new() { State = WaitForSelectorState.Detached });
        using (var refused = await client.GetAsync("api/jobs", TestContext.Current.CancellationToken))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_sees_no_admin_pages()
    {
        using var user = await Server.CreateUserAsync();
        await using var browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        var page = await browser.NewPageAsync(errors);
        await page.GotoAsync(new Uri(Server.BaseAddress, "/dashboard/#/users").ToString());
        await page.GetByLabel("API key").FillAsync(user.Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" }).WaitForAsync();
        foreach (var link in new[] { "Workers", "All queues", "Users", "System" })
        {
            (await page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).CountAsync()).ShouldBe(0);
        }

        foreach (var path in new[] { "system", "all-queues", "workers" })
        {
            await page.GotoAsync(new Uri(Server.BaseAddress, "/dashboard/#/jobs").ToString());
            await page.GetByRole(AriaRole.Heading, new() { Name = "Jobs" }).WaitForAsync();
            await page.GotoAsync(new Uri(Server.BaseAddress, $"/dashboard/#/{path}").ToString());
            await page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" }).WaitForAsync();
        }

        await Browser.ScreenshotAsync(page, "not-admin");

        // The page itself asked for nothing it may not have (the fetches below log their 403s to the console).
        errors.ShouldBeEmpty();
        foreach (var api in new[] { "/api/admin/users", "/api/admin/queue", "/api/admin/system" })
        {
            (await page.EvaluateAsync<int>($"fetch('{api}').then(r => r.status)")).ShouldBe((int)HttpStatusCode.Forbidden);
        }
    }
}
