using System.Diagnostics;
using System.Text.Json;
using Gantry.Load.Driving;
using Gantry.Load.Hosting;
using Gantry.Load.Seeding;
using Microsoft.Playwright;

namespace Gantry.Load.Scenarios;

/// <summary>
/// The dashboard's jobs page over one user's very large history (default 1,000,000 finished jobs of one user): the
/// <c>GET /api/jobs</c> request the page makes (limit 25) for each filter and sort it offers, and the page's render in
/// Chromium (navigation to the last row drawn). Baseline, on the same server in the same run: a user with 25 jobs.
/// </summary>
public sealed class DashboardScenario : IScenario
{
    public const int DefaultJobs = 1_000_000;
    private const int Page = 25;

    private static readonly (string Name, string Query)[] Cases =
    [
        ("newest first (default)", ""),
        ("oldest first", "sort_order=asc"),
        ("by execution time", "sort_by=execution_time"),
        ("status completed", "status=completed"),
        ("status failed", "status=failed"),
        ("status cancelled", "status=cancelled"),
        ("output image", "output_type=image"),
        ("workflow id", "workflow_id=workflow-3"),
        ("failed, by execution time", "status=failed&sort_by=execution_time"),
    ];

    public string Name => "dashboard";

    public string Description => "the dashboard's jobs page (its /api/jobs calls and its render in Chromium) over 1M jobs of one user";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        var reports = new List<ScenarioReport>();
        foreach (var store in arguments.Stores)
        {
            var jobs = arguments.Jobs ?? DefaultJobs;
            IReadOnlyList<BenchUser> users = [];
            var seeding = Stopwatch.StartNew();
            await using var gantry = await GantryUnderTest.StartAsync(store, arguments.PostgresConnection, arguments.SettingsOver(null), seed: async seeder =>
            {
                users = await seeder.AddUsersAsync(2, "viewer", cancellationToken);
                await seeder.AddHistoryAsync([users[0]], jobs, cancellationToken);
                await seeder.AddHistoryAsync([users[1]], Page, cancellationToken);
            }, cancellationToken: cancellationToken);
            log.WriteLine($"dashboard {store}: seeded {jobs + Page} jobs in {seeding.Elapsed.TotalSeconds:F1} s");
            var (big, small) = (users[0], users[1]);

            var report = new ScenarioReport($"Dashboard: the jobs page on {store}, one user with {jobs:N0} jobs against one with {Page} ({arguments.Seconds:0.#} s per point)");
            report.Notes.Add($"Seeded through SQL in {seeding.Elapsed.TotalSeconds:F0} s (start included): 80% completed, 12% failed, 8% cancelled; ten workflows. " +
                $"Each request is the page's own: GET /api/jobs?limit={Page} with the case's filter (the total it shows included).");
            report.Notes.Add($"Baseline: the same request by a user with {Page} jobs, on the same server.");
            await ListScenario.RunAsUsersAsync(gantry, users, 1, TimeSpan.FromSeconds(0.2), "api/jobs?limit=1");

            var cases = new List<(string Name, string Query, int Rows)>();
            foreach (var (name, query) in Cases)
            {
                var total = await TotalAsync(gantry, big, query, cancellationToken);
                cases.Add((name, query, Math.Min(Page, total)));
                if (query.Length == 0)
                {
                    var deepest = Math.Max(0, total - Page);
                    cases.Add(($"last page (offset {deepest:N0})", $"offset={deepest}", Math.Min(Page, total - deepest)));
                }
            }

            foreach (var (name, query, _) in cases)
            {
                log.WriteLine($"dashboard {store}: GET /api/jobs, {name}");
                var path = $"api/jobs?limit={Page}" + (query.Length > 0 ? "&" + query : "");
                var baseline = await ListScenario.RunAsUsersAsync(gantry, [small], 1, arguments.Duration, query.StartsWith("offset=", StringComparison.Ordinal) ? $"api/jobs?limit={Page}" : path);
                var measured = await ListScenario.RunAsUsersAsync(gantry, [big], 1, arguments.Duration, path);
                report.Add($"GET /api/jobs: {name}", "1 client", measured, baseline);
            }

            // Ten rounds per case at the documented --seconds 2; one in the short smoke runs.
            var rounds = Math.Clamp((int)(arguments.Seconds * 5), 1, 10);
            await RenderAsync(gantry, big, small, cases, rounds, report, log, cancellationToken);
            reports.Add(report);
        }

        return reports;
    }

    /// <summary>
    /// Times <c>/dashboard/#/jobs?…</c> from navigation to its rows drawn, <paramref name="rounds"/> times per case and
    /// user, in Debian's Chromium (<c>GANTRY_TEST_CHROMIUM</c>, else /usr/bin/chromium); left out with a note without one.
    /// </summary>
    private static async Task RenderAsync(
        GantryUnderTest gantry, BenchUser big, BenchUser small, List<(string Name, string Query, int Rows)> cases, int rounds, ScenarioReport report, TextWriter log, CancellationToken cancellationToken)
    {
        var chromium = new[] { Environment.GetEnvironmentVariable("GANTRY_TEST_CHROMIUM"), "/usr/bin/chromium", "/usr/lib/chromium/chromium" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
        if (chromium is null)
        {
            report.Notes.Add("No Chromium found (GANTRY_TEST_CHROMIUM or the Debian 'chromium' package): the render times are left out.");
            return;
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var pages = new Dictionary<BenchUser, IPage>();
        foreach (var user in new[] { big, small })
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(gantry.BaseAddress, "/dashboard/#/signin").ToString());
            await page.Locator("#api-key").FillAsync(user.Key);
            await page.Locator("button[type=submit]").ClickAsync();
            await page.Locator("tr[data-job]").First.WaitForAsync();
            pages[user] = page;
        }

        report.Notes.Add($"Render: Chromium {browser.Version}, 1280×800; the time from navigating to /dashboard/#/jobs?… (from about:blank, signed in) " +
            $"until the page's rows are in the table, the median and the slowest of {rounds}; the ratio is to the user with {Page} jobs (first page).");
        foreach (var (name, query, rows) in cases)
        {
            log.WriteLine($"dashboard: render, {name}");
            var measured = await TimeRenderAsync(pages[big], gantry, query, rows, rounds, cancellationToken);
            var smallQuery = query.StartsWith("offset=", StringComparison.Ordinal) ? "" : query;
            var smallRows = Math.Min(Page, await TotalAsync(gantry, small, smallQuery, cancellationToken));
            var baseline = await TimeRenderAsync(pages[small], gantry, smallQuery, smallRows, rounds, cancellationToken);
            report.Amounts.Add(new($"render: {name}", "median", measured.Median, "ms", measured.Median / baseline.Median));
            report.Amounts.Add(new($"render: {name}", "slowest", measured.Max, "ms", measured.Max / baseline.Max));
        }
    }

    private static async Task<(double Median, double Max)> TimeRenderAsync(IPage page, GantryUnderTest gantry, string query, int rows, int rounds, CancellationToken cancellationToken)
    {
        var url = new Uri(gantry.BaseAddress, "/dashboard/#/jobs" + (query.Length > 0 ? "?" + query : "")).ToString();
        var times = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await page.GotoAsync("about:blank");
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });

            // The rows drawn: as many as the page has, or the empty table's line when it has none.
            await page.WaitForFunctionAsync(
                "n => n === 0 ? document.body.innerText.includes('No jobs yet.') : document.querySelectorAll('tr[data-job]').length === n", rows,
                new PageWaitForFunctionOptions { PollingInterval = 5 });
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return (times[times.Count / 2], times[^1]);
    }

    private static async Task<int> TotalAsync(GantryUnderTest gantry, BenchUser user, string query, CancellationToken cancellationToken)
    {
        using var client = LoadHttp.CreateClient(gantry.BaseAddress, user.Key);
        var body = await LoadHttp.GetBytesAsync(client, "api/jobs?limit=1" + (query.Length > 0 ? "&" + query : ""), cancellationToken);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("pagination").GetProperty("total").GetInt32();
    }
}
