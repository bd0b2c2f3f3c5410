using Gantry.Load;
using Gantry.Load.Driving;
using Gantry.Load.Scenarios;

namespace Gantry.Bench.Tests;

/// <summary>
/// Every load scenario runs end to end for about a second at tiny sizes and reports figures. These keep the driver
/// building and running; they assert no timings (the figures themselves are BENCHMARKS.md's business).
/// </summary>
[Collection(SmokeRuns.Collection)]
public sealed class LoadScenarioSmokeTests
{
    /// <summary>
    /// Every scenario that needs nothing outside the repository (comfyui needs a running ComfyUI: its own test below;
    /// instances is PostgreSQL only: with the PostgreSQL runs).
    /// </summary>
    public static TheoryData<string> ScenarioNames => [.. LoadCli.ScenarioNames.Where(name => name is not ("comfyui" or "instances"))];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Each_scenario_runs_on_sqlite_and_reports_figures(string scenario)
    {
        var reports = await RunAsync(scenario, StoreChoice.Sqlite);

        AssertFigures(reports);
    }

    [Theory]
    [InlineData("submit")]
    [InlineData("list")]
    [InlineData("instances")]
    [InlineData("external")]
    public async Task Submit_list_instances_and_external_run_on_postgres_and_report_figures(string scenario)
    {
        if (Environment.GetEnvironmentVariable("GANTRY_TEST_POSTGRES") is not { Length: > 0 })
        {
            Assert.SkipWhen(Environment.GetEnvironmentVariable("CI") is not { Length: > 0 }, "GANTRY_TEST_POSTGRES is not set (scripts/start-postgres.sh prints it).");
            throw new InvalidOperationException("CI is set but GANTRY_TEST_POSTGRES is not: the PostgreSQL smoke runs must run on CI.");
        }

        var reports = await RunAsync(scenario, StoreChoice.Postgres);

        AssertFigures(reports);
    }

    [Fact]
    public async Task The_comfyui_scenario_runs_against_a_real_comfyui_and_reports_figures()
    {
        if (Environment.GetEnvironmentVariable("GANTRY_TEST_COMFYUI") is not { Length: > 0 } url)
        {
            Assert.Skip("GANTRY_TEST_COMFYUI is not set (../shared/comfyui/start.sh prints a ComfyUI URL).");
            return;
        }

        var arguments = new LoadArguments { Scenario = "comfyui", Clients = [1, 2], Seconds = 0.25, ComfyUi = new Uri(url.TrimEnd('/') + "/"), ImageSize = 64 };

        var reports = await LoadCli.RunScenarioAsync(LoadCli.Scenarios.Single(s => s.Name == "comfyui"), arguments, TextWriter.Null, TestContext.Current.CancellationToken);

        AssertFigures(reports.Take(2).ToList());
        var nodes = reports[2].Amounts;
        nodes.Count.ShouldBe(2 * NodeGraphs.All.Count);
        nodes.ShouldContain(amount => amount.Subject == "engine" && amount.Point.StartsWith("ImageScale lanczos", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_comfyui_scenario_without_a_comfyui_url_is_refused()
    {
        var run = () => LoadCli.RunScenarioAsync(LoadCli.Scenarios.Single(s => s.Name == "comfyui"), new LoadArguments { Scenario = "comfyui" }, TextWriter.Null, TestContext.Current.CancellationToken);

        (await Should.ThrowAsync<ArgumentException>(run)).Message.ShouldContain("--comfyui");
    }

    [Fact]
    public async Task An_unknown_scenario_is_refused_with_the_list_of_scenarios()
    {
        using var output = new StringWriter();

        var exitCode = await LoadCli.RunAsync(["no-such-scenario"], output);

        exitCode.ShouldBe(2);
        output.ToString().ShouldContain("submit");
    }

    [Fact]
    public async Task The_command_line_prints_markdown_tables()
    {
        using var output = new StringWriter();

        var exitCode = await LoadCli.RunAsync(["reads", "--clients", "1", "--seconds", "0.25", "--users", "1"], output);

        exitCode.ShouldBe(0);
        output.ToString().ShouldContain("| gantry GET /api/job/{id}/status | 1 clients |");
    }

    private static Task<IReadOnlyList<ScenarioReport>> RunAsync(string scenario, StoreChoice store)
    {
        var arguments = new LoadArguments
        {
            Scenario = scenario,
            Stores = [store],
            // The list walks nine cases at two depths: one client count is enough to see each run.
            Clients = scenario == "list" ? [1] : [1, 2],
            Seconds = 0.25,
            Jobs = 2_000,
            Users = 4,
            Queued = 50,
            Workers = [1],
            Sockets = 8,
        };
        var chosen = LoadCli.Scenarios.Single(s => s.Name == scenario);
        return LoadCli.RunScenarioAsync(chosen, arguments, TextWriter.Null, TestContext.Current.CancellationToken);
    }

    private static void AssertFigures(IReadOnlyList<ScenarioReport> reports)
    {
        reports.ShouldNotBeEmpty();
        foreach (var report in reports)
        {
            (report.Figures.Count + report.Amounts.Count).ShouldBeGreaterThan(0, report.Title);
            foreach (var figure in report.Figures)
            {
                figure.Result.Count.ShouldBeGreaterThan(0, $"{report.Title}: {figure.Subject} at {figure.Point}");
            }

            foreach (var amount in report.Amounts)
            {
                amount.Value.ShouldBeGreaterThan(0, $"{report.Title}: {amount.Subject} at {amount.Point}");
            }

            report.ToMarkdown().ShouldContain(report.Title);
        }
    }
}
