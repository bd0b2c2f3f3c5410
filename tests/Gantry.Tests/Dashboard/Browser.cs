using Gantry.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Gantry.Tests.Dashboard;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser). <c>GANTRY_TEST_CHROMIUM</c> names another
/// binary; ./test.sh installs the <c>chromium</c> package when it is missing.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Instance = browser;
    }

    public IBrowser Instance { get; }

    public static string? ExecutablePath
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("GANTRY_TEST_CHROMIUM");
            return new[] { configured, "/usr/lib/chromium/chromium", "/usr/bin/chromium" }.FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
        }
    }

    /// <summary>Skips the calling test with a message when no Chromium is installed.</summary>
    public static async Task<Browser> LaunchAsync()
    {
        if (ExecutablePath is not { } path)
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                throw new InvalidOperationException("No Chromium on CI: ./test.sh installs the Debian 'chromium' package; it must be there.");
            }

            Assert.Skip("No Chromium found (install the Debian 'chromium' package, as ./test.sh does, or set GANTRY_TEST_CHROMIUM).");
            throw new System.Diagnostics.UnreachableException();
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            return new Browser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh context (its own cookies) at 1280×800 with a page that fails the test on a page error.</summary>
    public async Task<IPage> NewPageAsync(List<string> errors)
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout((float)TestTimeouts.Default.TotalMilliseconds);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("401", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"dashboard-{name}.png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        _playwright.Dispose();
    }
}
