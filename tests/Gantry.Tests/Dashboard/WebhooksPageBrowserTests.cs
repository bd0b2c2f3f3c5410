using Gantry.Tests.Api.V2;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Webhooks;
using Microsoft.Playwright;

namespace Gantry.Tests.Dashboard;

/// <summary>
/// The webhooks page in a real Chromium against a server running jobs on the embedded engine and a real receiver:
/// add an endpoint (the secret shown once and copied), see a failed then retried delivery with its attempts, redeliver
/// it, delete the endpoint; another user sees none of it.
/// </summary>
[Collection(EmbeddedServerCollection.Name)]
public sealed class WebhooksPageBrowserTests(WebhookSqliteFixture fixture) : IClassFixture<WebhookSqliteFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task A_user_adds_an_endpoint_sees_its_deliveries_redelivers_one_and_deletes_it()
    {
        using var user = await Server.CreateUserAsync();
        using var stranger = await Server.CreateUserAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        var page = await browser.NewPageAsync(errors);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GotoAsync(new Uri(Server.BaseAddress, "/dashboard/#/webhooks").ToString());
        await page.GetByLabel("API key").FillAsync(user.Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByText("No webhook endpoints yet.").WaitForAsync();

        // Add an endpoint for the end events only; the secret is shown once, with a copy button.
        await page.GetByLabel("Endpoint URL").FillAsync(receiver.Url);
        await page.GetByLabel("Description").FillAsync("ci hook");
        await page.GetByLabel("job.started").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        var secret = await page.GetByLabel("Signing secret").InputValueAsync();
        secret.ShouldStartWith("whsec_");
        receiver.Secret = secret;
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy secret" }).ClickAsync();
        await page.GetByText("Secret copied.").WaitForAsync();
        (await page.EvaluateAsync<string>("navigator.clipboard.readText()")).ShouldBe(secret);
        var row = page.Locator("tr[data-hook]", new() { HasTextString = receiver.Url });
        (await row.InnerTextAsync()).ShouldContain("job.succeeded");
        (await row.InnerTextAsync()).ShouldNotContain("job.started");
        (await page.Locator("#hook-deliveries").InnerTextAsync()).ShouldNotContain(secret);

        // A job: its delivery is refused once (HTTP 500), then retried and delivered: two attempts.
        receiver.ThenAnswer(500);
        var job = await V2Requests.SubmitOkAsync(user.Client, JobWaiter.PrimitivesWorkflow);
        var refused = await receiver.NextAsync();
        refused.AnsweredWith.ShouldBe(500);
        var delivered = await receiver.NextAsync();
        (delivered.Type, delivered.AnsweredWith, delivered.SignatureValid).ShouldBe(("job.succeeded", 200, true));
        await page.GetByRole(AriaRole.Link, new() { Name = $"Deliveries to {receiver.Url}" }).ClickAsync();
        var delivery = page.Locator("tr[data-delivery]", new() { HasTextString = job.ToString()[..8] });
        await delivery.Locator(".status", new() { HasTextString = "delivered" }).WaitForAsync();
        (await delivery.Locator("td[data-attempts]").InnerTextAsync()).ShouldBe("2");
        (await delivery.InnerTextAsync()).ShouldContain("HTTP 200");
        await Browser.ScreenshotAsync(page, "webhooks");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "webhooks");

        // Redeliver: the same message again, and a third attempt on the page.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Redeliver job.succeeded of job {job.ToString()[..8]}" }).ClickAsync();
        await page.GetByText("Delivery queued again.").WaitForAsync();
        (await receiver.NextAsync()).Id.ShouldBe(delivered.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        await delivery.Locator("td[data-attempts]", new() { HasTextString = "3" }).WaitForAsync();

        // Another user sees no endpoint, on the page or through the API.
        var other = await browser.NewPageAsync(errors);
        await other.GotoAsync(new Uri(Server.BaseAddress, "/dashboard/#/webhooks").ToString());
        await other.GetByLabel("API key").FillAsync(stranger.Key);
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await other.GetByText("No webhook endpoints yet.").WaitForAsync();

        // Delete: gone from the page and from the API.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete endpoint {receiver.Url}" }).ClickAsync();
        await page.GetByText("No webhook endpoints yet.").WaitForAsync();
        (await page.EvaluateAsync<int>("fetch('/api/webhooks').then(r => r.json()).then(j => j.webhooks.length)")).ShouldBe(0);
        errors.ShouldBeEmpty();
    }
}
