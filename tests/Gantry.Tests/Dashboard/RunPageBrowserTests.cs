using System.Net;
using System.Text;
using Gantry.Engine.Imaging.Codecs;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Microsoft.Playwright;

namespace Gantry.Tests.Dashboard;

/// <summary>
/// The "Run a workflow" page in a real Chromium against the embedded engine: a JSON with an uploaded image, a PNG the
/// engine saved (its prompt chunk read in the browser), a malformed PNG, and a refused prompt's error at its input.
/// </summary>
[Collection(EmbeddedServerCollection.Name)]
public sealed class RunPageBrowserTests(EmbeddedSqliteServerFixture fixture) : IClassFixture<EmbeddedSqliteServerFixture>
{
    private const string LoadAndSave = """
        {"1": {"class_type": "LoadImage", "inputs": {"image": "missing.png"}},
         "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
         "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "from-json"}}}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task A_json_workflow_with_an_uploaded_image_runs_with_the_edited_value_and_lands_on_its_job()
    {
        using var user = await Server.CreateUserAsync();
        var image = TestFiles.Png(5, 4);
        await using var browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        var page = await SignedInAsync(browser, errors, user.Key);

        await page.GetByLabel("Workflow file").SetInputFilesAsync(new FilePayload { Name = "load.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(LoadAndSave) });
        await page.GetByLabel("filename_prefix of node #3").FillAsync("edited");
        await page.GetByLabel("Upload an image for image of node #1").SetInputFilesAsync(new FilePayload { Name = "mine.png", MimeType = "image/png", Buffer = image });
        await Assertions.Expect(page.GetByLabel("image of node #1", new() { Exact = true })).ToHaveValueAsync("mine.png");
        await Browser.ScreenshotAsync(page, "run");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "run");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();

        await page.GetByRole(AriaRole.Heading, new() { Name = "Timeline" }).WaitForAsync();
        var id = Guid.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..]);
        await JobWaiter.StatusAsync(Server, user.Client, id, "completed");
        var detail = await JobWaiter.DetailAsync(user.Client, id);
        var prompt = detail.GetProperty("workflow").GetProperty("prompt");
        prompt.GetProperty("3").GetProperty("inputs").GetProperty("filename_prefix").GetString().ShouldBe("edited");
        prompt.GetProperty("1").GetProperty("inputs").GetProperty("image").GetString().ShouldBe("mine.png");
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_png_saved_by_a_job_is_read_for_its_prompt_and_runs_again()
    {
        using var user = await Server.CreateUserAsync();
        var first = await JobWaiter.SubmitAsync(user.Client, TestWorkflows.Simple);
        await JobWaiter.StatusAsync(Server, user.Client, first, "completed");
        var png = await OutputPngAsync(user.Client, first);
        PngMetadata.ReadText(png).ShouldContain(entry => entry.Key == "prompt", "the engine embeds the prompt as ComfyUI does");

        await using var browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        var page = await SignedInAsync(browser, errors, user.Key);
        await page.GetByLabel("Workflow file").SetInputFilesAsync(new FilePayload { Name = "saved.png", MimeType = "image/png", Buffer = png });
        await page.GetByText("3 nodes from saved.png").WaitForAsync();
        (await page.GetByLabel("width of node #1").InputValueAsync()).ShouldBe("8");
        await page.GetByLabel("width of node #1").FillAsync("12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();

        await page.GetByRole(AriaRole.Heading, new() { Name = "Timeline" }).WaitForAsync();
        var id = Guid.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..]);
        id.ShouldNotBe(first);
        await JobWaiter.StatusAsync(Server, user.Client, id, "completed");
        var detail = await JobWaiter.DetailAsync(user.Client, id);
        detail.GetProperty("workflow").GetProperty("prompt").GetProperty("1").GetProperty("inputs").GetProperty("width").GetInt32().ShouldBe(12);

        // A PNG cut short, and one without a prompt, are refused in the page with a reason, nothing submitted.
        await page.GotoAsync(new Uri(Server.BaseAddress, "/dashboard/#/run").ToString());
        await page.GetByLabel("Workflow file").SetInputFilesAsync(new FilePayload { Name = "cut.png", MimeType = "image/png", Buffer = png[..(png.Length / 2)] });
        await page.GetByText("The PNG is truncated", new() { Exact = false }).Or(page.GetByText("claims more bytes")).WaitForAsync();
        await page.GetByLabel("Workflow file").SetInputFilesAsync(new FilePayload { Name = "plain.png", MimeType = "image/png", Buffer = TestFiles.Png(2, 2) });
        await page.GetByText("plain.png has no workflow", new() { Exact = false }).WaitForAsync();
        (await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).CountAsync()).ShouldBe(0);
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refused_prompt_shows_each_error_at_the_input_it_concerns()
    {
        using var user = await Server.CreateUserAsync();
        await using var browser = await Browser.LaunchAsync();
        var errors = new List<string>();
        var page = await SignedInAsync(browser, errors, user.Key);
        await page.GetByLabel("Workflow file").SetInputFilesAsync(new FilePayload { Name = "simple.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(TestWorkflows.Simple) });
        await page.GetByLabel("width of node #1").FillAsync("-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();

        var at = page.Locator("tr[data-node='1'][data-input='width'] .input-error");
        await at.Locator("div").First.WaitForAsync();
        (await at.InnerTextAsync()).ShouldNotBeNullOrWhiteSpace();
        (await page.GetByLabel("width of node #1").GetAttributeAsync("aria-invalid")).ShouldBe("true");
        (await page.Locator("tr[data-node='1'][data-input='height'] .input-error div").CountAsync()).ShouldBe(0);
        page.Url.ShouldEndWith("#/run");
        await Browser.ScreenshotAsync(page, "run-error");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "run-error");

        using var jobs = await user.Client.GetAsync("api/jobs", Ct);
        (await jobs.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("jobs").GetArrayLength().ShouldBe(0);
        errors.ShouldAllBe(error => error.Contains("status of 400"), "the refused submit is the only error the browser logs");
    }

    private async Task<IPage> SignedInAsync(Browser browser, List<string> errors, string key)
    {
        var page = await browser.NewPageAsync(errors);
        await page.GotoAsync(new Uri(Server.BaseAddress, "/dashboard/#/run").ToString());
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Run a workflow" }).WaitForAsync();
        return page;
    }

    private static async Task<byte[]> OutputPngAsync(HttpClient client, Guid id)
    {
        var detail = await JobWaiter.DetailAsync(client, id);
        var image = detail.GetProperty("outputs").GetProperty("3").GetProperty("images")[0];
        var query = $"filename={Uri.EscapeDataString(image.GetProperty("filename").GetString()!)}" +
            $"&subfolder={Uri.EscapeDataString(image.TryGetProperty("subfolder", out var s) ? s.GetString() ?? "" : "")}&type=output";
        using var response = await client.GetAsync($"view?{query}", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }
}
