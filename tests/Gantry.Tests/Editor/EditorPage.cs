using Microsoft.Playwright;

namespace Gantry.Tests.Editor;

/// <summary>
/// One user's editor in its own browser context, signed in as a browser is: the user's key exchanged once for the
/// session cookie (<c>POST /dashboard/api/session</c>), which the editor's requests and socket then carry (the editor
/// sends no key of its own). Records what went wrong on Gantry's side:
/// same-origin responses of 400 or more and console errors from Gantry's origin. Other origins are cut off (the
/// editor asks api.comfy.org for release notes; the tests have no network).
/// </summary>
public sealed class EditorPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _problems = [];
    private readonly string _origin;

    private EditorPage(IBrowserContext context, IPage page, string origin)
    {
        _context = context;
        Page = page;
        _origin = origin;
    }

    public IPage Page { get; }

    /// <summary>What went wrong so far (failed responses, console errors), one line each.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    public static async Task<EditorPage> OpenAsync(IBrowser browser, Uri server, string? apiKey)
    {
        var origin = server.GetLeftPart(UriPartial.Authority);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        await context.RouteAsync(url => !url.StartsWith(origin, StringComparison.Ordinal), route => route.AbortAsync());
        if (apiKey is not null)
        {
            var signIn = await context.APIRequest.PostAsync(origin + "/dashboard/api/session", new APIRequestContextOptions
            {
                DataObject = new Dictionary<string, string> { ["api_key"] = apiKey },
            });
            signIn.Status.ShouldBe(200, await signIn.TextAsync());

            // A user who has seen the first-run template browser: it would cover the canvas while tests click.
            var csrf = System.Text.Json.JsonDocument.Parse(await signIn.TextAsync()).RootElement.GetProperty("csrf_token").GetString()!;
            var seen = await context.APIRequest.PostAsync(origin + "/api/settings", new APIRequestContextOptions
            {
                DataObject = new Dictionary<string, bool> { ["Comfy.TutorialCompleted"] = true },
                Headers = new Dictionary<string, string> { ["X-CSRF-Token"] = csrf },
            });
            seen.Status.ShouldBe(200, await seen.TextAsync());
        }

        var page = await context.NewPageAsync();
        var editor = new EditorPage(context, page, origin);
        page.Response += (_, response) => editor.OnResponse(response);
        page.Console += (_, message) => editor.OnConsole(message);
        return editor;
    }

    /// <summary>Opens the editor and waits until it has its graph, its settings, its saved workflows and its socket.</summary>
    public async Task LoadAsync(Uri server)
    {
        var socket = Page.WaitForWebSocketAsync();
        var workflows = Page.WaitForResponseAsync(r => r.Url.Contains("/api/userdata?dir=workflows", StringComparison.Ordinal));
        await Page.GotoAsync(server.ToString());
        await Page.WaitForFunctionAsync("() => window.app && window.app.graph && window.app.extensionManager");
        await socket;
        await workflows;
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Page.Keyboard.PressAsync("Escape"); // the first-run template browser
    }

    /// <summary>Opens a workflow file the way a user does (the editor's file input), and waits until its nodes are on the canvas.</summary>
    public async Task OpenFileAsync(string path, string nodeType)
    {
        await Page.SetInputFilesAsync("#comfy-file-input", path);
        await Page.WaitForFunctionAsync("type => window.app.graph.nodes.some(n => n.type === type)", nodeType);
    }

    /// <summary>Saves the open workflow under <paramref name="name"/> as a user does: Ctrl+S, the name in the editor's prompt, Enter.</summary>
    public async Task SaveAsync(string name)
    {
        var saved = Page.WaitForResponseAsync(r => r.Url.Contains($"/api/userdata/workflows%2F{name}.json", StringComparison.Ordinal));
        await Page.Keyboard.PressAsync("Control+s");
        await Page.WaitForFunctionAsync("() => document.activeElement && document.activeElement.tagName === 'INPUT'");
        await Page.Keyboard.PressAsync("Control+a");
        await Page.Keyboard.TypeAsync(name);
        await Page.Keyboard.PressAsync("Enter");
        (await saved).Status.ShouldBe(200);
    }

    /// <summary>A GET from the page, as the editor makes them (same origin, the session cookie).</summary>
    public async Task<T> FetchJsonAsync<T>(string path) => await Page.EvaluateAsync<T>(
        "async path => (await fetch(path, { headers: { 'Comfy-User': '' } })).json()", path);

    public Task ScreenshotAsync(string name) => Page.ScreenshotAsync(new PageScreenshotOptions { Path = EditorTier.ScreenshotPath(name) });

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    private void OnResponse(IResponse response)
    {
        if (response.Status < 400 || !response.Url.StartsWith(_origin, StringComparison.Ordinal) || IsExpectedMiss(response))
        {
            return;
        }

        lock (_problems)
        {
            _problems.Add($"{response.Status} {response.Request.Method} {response.Url}");
        }
    }

    private void OnConsole(IConsoleMessage message)
    {
        if (message.Type != "error" || !message.Location.StartsWith(_origin, StringComparison.Ordinal)
            || message.Text.Contains("Failed to load resource", StringComparison.Ordinal) // the response itself is judged above
            || message.Text.Contains("graph accessed before initialization", StringComparison.Ordinal)) // the editor's own start-up order
        {
            return;
        }

        lock (_problems)
        {
            _problems.Add($"console: {message.Text} ({message.Location})");
        }
    }

    /// <summary>
    /// 404s that are the right answer: optional user files the editor probes for (ComfyUI answers the same when the
    /// user has none) and the browser's own favicon probe.
    /// </summary>
    private bool IsExpectedMiss(IResponse response) =>
        response.Status == 404 && response.Request.Method == "GET"
        && (response.Url.StartsWith(_origin + "/api/userdata/", StringComparison.Ordinal) || response.Url == _origin + "/favicon.ico");
}
