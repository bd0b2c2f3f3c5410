using System.Net;
using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Gantry.Tests.Editor;

/// <summary>
/// The real ComfyUI editor in Chromium on <c>gantry serve --frontend</c>: it loads cleanly, runs a workflow on the built-in
/// engine with its Run button and shows its progress and image, keeps saved workflows (which run too) and settings across
/// a reload and a restart, cancels a waiting job and a running one, and keeps users apart. Screenshots go to artifacts/editor-screenshots.
/// </summary>
public sealed class EditorBrowserTests : IAsyncLifetime
{
    private static readonly string Workflow = RepositoryPaths.Example("blur-sharpen-composite.json");

    private readonly EditorServer _server = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IBrowser Browser => _browser!;

    public async ValueTask InitializeAsync()
    {
        if (EditorTier.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await _server.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = EditorTier.Chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_editor_loads_without_failed_requests_or_errors_from_gantry()
    {
        var key = await _server.CreateUserKeyAsync("loader");
        await using var editor = await EditorPage.OpenAsync(Browser, _server.BaseAddress, key);
        await editor.LoadAsync(_server.BaseAddress);
        await editor.ScreenshotAsync("editor-loaded");
        editor.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_browser_without_a_session_is_sent_to_sign_in_and_then_gets_the_editor()
    {
        var key = await _server.CreateUserKeyAsync("newcomer");
        await using (var stranger = await EditorPage.OpenAsync(Browser, _server.BaseAddress, apiKey: null))
        {
            await stranger.Page.GotoAsync(_server.BaseAddress.ToString());
            stranger.Page.Url.ShouldBe(new Uri(_server.BaseAddress, "/dashboard/#/signin?next=%2F").ToString());
        }

        await using var signedIn = await EditorPage.OpenAsync(Browser, _server.BaseAddress, key);
        await signedIn.LoadAsync(_server.BaseAddress);
        signedIn.Page.Url.ShouldBe(_server.BaseAddress.ToString());
        signedIn.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_workflow_opened_from_a_file_runs_with_the_run_button_and_its_image_shows_in_the_queue()
    {
        var key = await _server.CreateUserKeyAsync("runner");
        await using var editor = await EditorPage.OpenAsync(Browser, _server.BaseAddress, key);
        await editor.LoadAsync(_server.BaseAddress);
        await editor.OpenFileAsync(Workflow, "ImageSharpen");

        // The editor shows a run's progress in the page title ("[40%] …") while the job runs: every title it sets is kept.
        await editor.Page.EvaluateAsync(
            "() => { window.__titles = []; new MutationObserver(() => window.__titles.push(document.title)).observe(document.head, { subtree: true, childList: true, characterData: true }); }");
        await RunAndWaitForImageAsync(editor);
        await editor.ScreenshotAsync("editor-run-finished");
        var titles = await editor.Page.EvaluateAsync<string[]>("() => window.__titles");
        titles.ShouldContain(t => System.Text.RegularExpressions.Regex.IsMatch(t, @"^\[\d+%\]"), $"titles seen: {string.Join(" | ", titles)}");

        using var client = _server.Client(key);
        var jobs = await client.GetFromJsonDocumentAsync("api/jobs?status=completed");
        jobs.RootElement.GetProperty("jobs").GetArrayLength().ShouldBe(1);
        editor.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_saved_workflow_and_a_changed_setting_survive_a_reload_and_a_restart()
    {
        var key = await _server.CreateUserKeyAsync("saver");
        await using (var editor = await EditorPage.OpenAsync(Browser, _server.BaseAddress, key))
        {
            await editor.LoadAsync(_server.BaseAddress);
            await editor.OpenFileAsync(Workflow, "ImageSharpen");
            await editor.SaveAsync("kept-flow");

            var setting = editor.Page.WaitForResponseAsync(r => r.Url.Contains("/api/settings/Comfy.Minimap.Visible", StringComparison.Ordinal));
            await HideMinimapAsync(editor.Page);
            (await setting).Status.ShouldBe(200);

            await editor.Page.ReloadAsync();
            await editor.Page.WaitForFunctionAsync("() => window.app && window.app.extensionManager");
            await editor.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            (await SettingAsync(editor.Page, "Comfy.Minimap.Visible")).ShouldBe("false");
            editor.Problems.ShouldBeEmpty();
        }

        await _server.RestartAsync();
        await using var after = await EditorPage.OpenAsync(Browser, _server.BaseAddress, key);
        await after.LoadAsync(_server.BaseAddress);
        (await SettingAsync(after.Page, "Comfy.Minimap.Visible")).ShouldBe("false");
        await after.Page.GetByLabel("Workflows (w)").ClickAsync();
        await after.Page.GetByText("kept-flow", new PageGetByTextOptions { Exact = false }).First.ClickAsync();
        await after.Page.WaitForFunctionAsync("() => window.app.graph.nodes.some(n => n.type === 'ImageSharpen')");

        // The workflow opened from the user's saved workflows runs too.
        await RunAndWaitForImageAsync(after);
        await after.ScreenshotAsync("editor-after-restart");
        using var client = _server.Client(key);
        (await client.GetFromJsonDocumentAsync("api/jobs?status=completed")).RootElement.GetProperty("jobs").GetArrayLength().ShouldBe(1);
        after.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Clearing_the_queue_in_the_editor_cancels_the_waiting_job()
    {
        var key = await _server.CreateUserKeyAsync("canceller");
        using (var admin = _server.Client(_server.AdminKey))
        using (var drained = await admin.PostAsync("api/admin/workers/embedded-1/drain", null, Ct))
        {
            drained.StatusCode.ShouldBe(HttpStatusCode.OK); // the job stays waiting until the editor cancels it
        }

        await using var editor = await EditorPage.OpenAsync(Browser, _server.BaseAddress, key);
        await editor.LoadAsync(_server.BaseAddress);
        await editor.OpenFileAsync(Workflow, "ImageSharpen");
        var submitted = editor.Page.WaitForResponseAsync(r => r.Url.EndsWith("/api/prompt", StringComparison.Ordinal));
        await editor.Page.ClickAsync("[data-testid=queue-button]");
        var promptId = JsonDocument.Parse(await (await submitted).TextAsync()).RootElement.GetProperty("prompt_id").GetString();
        await editor.Page.GetByText("1 active").WaitForAsync(); // the editor knows the waiting job
        await OpenQueuePanelAsync(editor.Page);
        var cleared = editor.Page.WaitForResponseAsync(r => r.Url.EndsWith("/api/queue", StringComparison.Ordinal) && r.Request.Method == "POST");
        await editor.Page.GetByLabel("Clear queued").ClickAsync();
        (await cleared).Status.ShouldBe(200);

        using var client = _server.Client(key);
        var status = await client.GetFromJsonDocumentAsync($"api/job/{promptId}/status");
        status.RootElement.GetProperty("status").GetString().ShouldBe("cancelled");
        await editor.ScreenshotAsync("editor-queue-cleared");
        editor.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Cancelling_the_current_run_in_the_editor_interrupts_the_running_job()
    {
        var key = await _server.CreateUserKeyAsync("interrupter");
        using var slow = new TempDirectory("editor-slow");
        var file = Path.Combine(slow.Path, "slow-blurs.json");
        await File.WriteAllTextAsync(file, SlowWorkflow(blurs: 10), Ct);

        await using var editor = await EditorPage.OpenAsync(Browser, _server.BaseAddress, key);
        await editor.LoadAsync(_server.BaseAddress);
        await editor.OpenFileAsync(file, "ImageBlur");
        var submitted = editor.Page.WaitForResponseAsync(r => r.Url.EndsWith("/api/prompt", StringComparison.Ordinal));
        await editor.Page.ClickAsync("[data-testid=queue-button]");
        var promptId = JsonDocument.Parse(await (await submitted).TextAsync()).RootElement.GetProperty("prompt_id").GetString();

        // The editor's stop button is enabled once it heard the job start (Playwright waits for that before clicking).
        var interrupted = editor.Page.WaitForResponseAsync(r => r.Url.EndsWith("/api/interrupt", StringComparison.Ordinal) && r.Request.Method == "POST");
        await editor.Page.GetByLabel("Cancel current run").ClickAsync();
        (await interrupted).Status.ShouldBe(200);

        using var client = _server.Client(key);
        var status = await client.GetFromJsonDocumentAsync($"api/job/{promptId}/status");
        status.RootElement.GetProperty("status").GetString().ShouldBe("cancelled");
        await editor.ScreenshotAsync("editor-run-cancelled");
        editor.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_second_user_sees_none_of_the_first_users_workflows_settings_or_history()
    {
        var aliceKey = await _server.CreateUserKeyAsync("alice");
        var bobKey = await _server.CreateUserKeyAsync("bob");
        await using (var alice = await EditorPage.OpenAsync(Browser, _server.BaseAddress, aliceKey))
        {
            await alice.LoadAsync(_server.BaseAddress);
            await alice.OpenFileAsync(Workflow, "ImageSharpen");
            await alice.SaveAsync("alice-flow");
            var ran = alice.Page.WaitForResponseAsync(r => r.Url.EndsWith("/api/prompt", StringComparison.Ordinal));
            await alice.Page.ClickAsync("[data-testid=queue-button]");
            (await ran).Status.ShouldBe(200);
            var setting = alice.Page.WaitForResponseAsync(r => r.Url.Contains("/api/settings/Comfy.Minimap.Visible", StringComparison.Ordinal));
            await HideMinimapAsync(alice.Page);
            (await setting).Status.ShouldBe(200);
        }

        await using var bob = await EditorPage.OpenAsync(Browser, _server.BaseAddress, bobKey);
        await bob.LoadAsync(_server.BaseAddress);
        var workflows = await bob.FetchJsonAsync<JsonElement>("api/userdata?dir=workflows&recurse=true&split=false&full_info=true");
        workflows.GetArrayLength().ShouldBe(0);
        var jobs = await bob.FetchJsonAsync<JsonElement>("api/jobs?status=in_progress,pending,completed,failed,cancelled");
        jobs.GetProperty("jobs").GetArrayLength().ShouldBe(0);
        (await SettingAsync(bob.Page, "Comfy.Minimap.Visible")).ShouldNotBe("false");
        await bob.Page.GetByLabel("Workflows (w)").ClickAsync();
        await bob.ScreenshotAsync("editor-second-user");
        (await bob.Page.GetByText("alice-flow").CountAsync()).ShouldBe(0);
        bob.Problems.ShouldBeEmpty();
    }

    /// <summary>Runs the open workflow with the Run button and waits until its image shows in the queue panel.</summary>
    private static async Task RunAndWaitForImageAsync(EditorPage editor)
    {
        var submitted = editor.Page.WaitForResponseAsync(r => r.Url.EndsWith("/api/prompt", StringComparison.Ordinal));
        await editor.Page.ClickAsync("[data-testid=queue-button]");
        (await submitted).Status.ShouldBe(200);
        await OpenQueuePanelAsync(editor.Page);

        // The finished job's image, loaded from Gantry (naturalWidth > 0 only once its bytes decoded).
        await editor.Page.WaitForFunctionAsync(
            "() => [...document.images].some(i => i.src.includes('composite_') && i.complete && i.naturalWidth > 0)");
    }

    /// <summary>A job the built-in engine needs seconds for: a large image blurred again and again, then saved.</summary>
    private static string SlowWorkflow(int blurs)
    {
        var nodes = new List<string> { """ "1": {"class_type": "EmptyImage", "inputs": {"width": 2048, "height": 2048, "batch_size": 1, "color": 255}}""" };
        for (var i = 2; i <= blurs + 1; i++)
        {
            nodes.Add($$$""" "{{{i}}}": {"class_type": "ImageBlur", "inputs": {"image": ["{{{i - 1}}}", 0], "blur_radius": 31, "sigma": 10.0}}""");
        }

        nodes.Add($$$""" "{{{blurs + 2}}}": {"class_type": "SaveImage", "inputs": {"images": ["{{{blurs + 1}}}", 0], "filename_prefix": "slow"}}""");
        return "{" + string.Join(",\n", nodes) + "}";
    }

    private static async Task OpenQueuePanelAsync(IPage page)
    {
        if (!await page.GetByText("Clear queue", new PageGetByTextOptions { Exact = true }).IsVisibleAsync())
        {
            await page.ClickAsync("[data-testid=queue-overlay-toggle]");
        }
    }

    /// <summary>Changes a setting the way the editor's settings do (its setting store, which saves it on the server).</summary>
    private static Task HideMinimapAsync(IPage page) =>
        page.EvaluateAsync("() => window.app.extensionManager.setting.set('Comfy.Minimap.Visible', false)");

    private static Task<string> SettingAsync(IPage page, string id) =>
        page.EvaluateAsync<string>("id => JSON.stringify(window.app.extensionManager.setting.get(id))", id);
}

internal static class EditorHttpExtensions
{
    public static async Task<JsonDocument> GetFromJsonDocumentAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text);
    }
}
