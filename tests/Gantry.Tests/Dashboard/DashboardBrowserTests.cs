using System.Net;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;
using Microsoft.Playwright;

namespace Gantry.Tests.Dashboard;

/// <summary>
/// The dashboard in a real Chromium against a real server running jobs on the embedded engine: sign in, see one's own
/// jobs only, watch a job start and finish live, cancel one, the admin's workers page, sign out.
/// </summary>
[Collection(EmbeddedServerCollection.Name)]
public sealed class DashboardBrowserTests(EmbeddedSqliteServerFixture fixture) : IClassFixture<EmbeddedSqliteServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task A_user_signs_in_watches_jobs_live_cancels_one_and_signs_out_and_another_user_sees_none_of_it()
    {
        using var owner = await Server.CreateUserAsync();
        using var stranger = await Server.CreateUserAsync();
        var done = await JobWaiter.SubmitAsync(owner.Client, TestWorkflows.Simple);
        await JobWaiter.StatusAsync(Server, owner.Client, done, "completed");
        await using var browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        var page = await browser.NewPageAsync(errors);

        // Signed out, the dashboard asks for a key; the key goes in once.
        await page.GotoAsync(new Uri(Server.BaseAddress, "/").ToString());
        await page.GetByLabel("API key").WaitForAsync();
        await Browser.ScreenshotAsync(page, "signin");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "signin");
        await page.GetByLabel("API key").FillAsync("gk_wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByText("That API key is not valid.").WaitForAsync();
        await page.GetByLabel("API key").FillAsync(owner.Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // The jobs list: the finished job with its thumbnail.
        await page.Locator($"tr[data-job='{done}'] .status.completed").WaitForAsync();
        (await page.Locator($"tr[data-job='{done}'] img").CountAsync()).ShouldBe(1);
        page.Url.ShouldNotContain(owner.Key);
        await Browser.ScreenshotAsync(page, "jobs");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "jobs");

        // A job submitted elsewhere appears and starts without a reload.
        var gate = Guid.NewGuid().ToString();
        var live = await JobWaiter.SubmitAsync(owner.Client, EngineTestNodes.GateGraph(gate));
        await page.Locator($"tr[data-job='{live}'] .status.in_progress").WaitForAsync();

        // Its page shows it running, then finished, live.
        await page.Locator($"tr[data-job='{live}'] a").ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Timeline" }).WaitForAsync();
        await page.Locator(".status.in_progress").WaitForAsync();
        TestGate.Named(gate).Open();
        await page.Locator("h1 + .status.completed").WaitForAsync();
        await page.GetByText("passed").First.WaitForAsync();

        // The timeline: submitted, dispatched (Gantry's dispatched_at), started, ended, and the worker.
        var stored = (await Server.Store.GetJobAsync(live, CancellationToken.None)).ShouldNotBeNull();
        stored.DispatchedAtMs.ShouldNotBeNull();
        var shown = await page.EvaluateAsync<string>("ms => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms))", stored.DispatchedAtMs);
        (await page.Locator("#job-dispatched").InnerTextAsync()).ShouldBe(shown);
        (await page.Locator(".facts").InnerTextAsync()).ShouldContain("embedded-1");
        await Browser.ScreenshotAsync(page, "job");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "job");

        // Cancel from the job's page.
        var held = Guid.NewGuid().ToString();
        var toCancel = await JobWaiter.SubmitAsync(owner.Client, EngineTestNodes.GateGraph(held));
        await JobWaiter.ReachedAsync(Server, TestGate.Named(held));
        await page.GotoAsync(new Uri(Server.BaseAddress, $"/dashboard/#/jobs/{toCancel}").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await page.Locator("h1 + .status.cancelled").WaitForAsync();
        await JobWaiter.StatusAsync(Server, owner.Client, toCancel, "cancelled");

        // The queue page, then sign out: the session is gone on the server too.
        await page.GetByRole(AriaRole.Link, new() { Name = "Queue" }).ClickAsync();
        await page.GetByText("Nothing is running or waiting.").WaitForAsync();
        await Browser.ScreenshotAsync(page, "queue");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "queue");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByLabel("API key").WaitForAsync();
        var status = await page.EvaluateAsync<int>("fetch('/api/jobs').then(r => r.status)");
        status.ShouldBe((int)HttpStatusCode.Unauthorized);

        // Another user, in another browser context, sees none of the first user's jobs, not even by id.
        var other = await browser.NewPageAsync(errors);
        await other.GotoAsync(new Uri(Server.BaseAddress, "/dashboard/").ToString());
        await other.GetByLabel("API key").FillAsync(stranger.Key);
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await other.GetByText("No jobs yet.").WaitForAsync();
        (await other.Locator("tr[data-job]").CountAsync()).ShouldBe(0);
        await Browser.ScreenshotAsync(other, "jobs-empty");
        errors.ShouldBeEmpty();
        (await other.EvaluateAsync<int>($"fetch('/api/jobs/{done}').then(r => r.status)")).ShouldBe((int)HttpStatusCode.Forbidden);
        (await other.GetByRole(AriaRole.Link, new() { Name = "Workers" }).CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task An_admin_sees_the_workers_and_the_pages_own_writes_pass_the_csrf_check_without_a_token()
    {
        await using var browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        var page = await browser.NewPageAsync(errors);
        await page.GotoAsync(new Uri(Server.BaseAddress, "/dashboard/#/workers").ToString());
        await page.GetByLabel("API key").FillAsync(Server.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("tr[data-worker='embedded-1']").WaitForAsync();

        // The node and model counts of the engine's catalog, as the admin API gives them.
        var listed = await page.EvaluateAsync<System.Text.Json.JsonElement>("fetch('/api/admin/workers').then(r => r.json()).then(ws => ws.find(w => w.name === 'embedded-1'))");
        listed.GetProperty("nodes").GetInt32().ShouldBeGreaterThan(10);
        (await page.Locator("tr[data-worker='embedded-1'] td[data-nodes]").InnerTextAsync()).ShouldBe(listed.GetProperty("nodes").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await page.Locator("tr[data-worker='embedded-1'] td[data-models]").InnerTextAsync()).ShouldBe("0");
        await Browser.ScreenshotAsync(page, "workers");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "workers");

        // A fetch of the page's own carries the browser's same-origin mark (Sec-Fetch-Site), which passes without the token.
        var sameOrigin = await page.EvaluateAsync<int>("fetch('/api/queue', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{\"clear\": false}'}).then(r => r.status)");
        sameOrigin.ShouldBe((int)HttpStatusCode.OK);
        errors.ShouldBeEmpty();
    }
}
