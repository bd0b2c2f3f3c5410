using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Hosting;

/// <summary><c>GET /metrics</c> on a real <c>gantry serve</c> process: who may read it, and that its numbers follow the jobs.</summary>
public sealed partial class MetricsEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_need_an_admin_and_follow_submitted_and_finished_jobs()
    {
        using var data = new TempDirectory();
        await using var gantry = await ServeProcess.StartAsync(["--data", data.Path, "--embedded-workers", "1"]);
        var admin = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin-key"), Ct)).Trim();
        var created = await GantryProcess.RunAsync(["keys", "create", "--user", "bob", "--data", data.Path]);
        created.ExitCode.ShouldBe(0, created.Stderr);
        var bobKey = created.Stdout.Trim().Split('\n')[^1].Trim();

        using (var anonymous = gantry.Client(null))
        using (var response = await anonymous.GetAsync("metrics", Ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var bob = gantry.Client(bobKey))
        using (var response = await bob.GetAsync("metrics", Ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using var client = gantry.Client(admin);
        var before = await ScrapeAsync(client);
        Value(before, "gantry_leader").ShouldBe(1);
        Value(before, "gantry_leadership_changes_total", "to=\"leader\"").ShouldBe(1);
        Value(before, "gantry_workers", "state=\"online\"").ShouldBe(1);

        var workflow = Path.Combine(data.Path, "workflow.json");
        await File.WriteAllTextAsync(workflow, TestWorkflows.Simple, Ct);
        var environment = new Dictionary<string, string?> { ["GANTRY_URL"] = gantry.BaseAddress.ToString(), ["GANTRY_API_KEY"] = bobKey };
        for (var i = 0; i < 2; i++)
        {
            var run = await GantryProcess.RunAsync(["submit", workflow, "--wait", "--dir", data.Path], environment);
            run.ExitCode.ShouldBe(0, run.Stdout + run.Stderr);
        }

        var after = await ScrapeAsync(client);
        (Value(after, "gantry_jobs_submitted_total") - Value(before, "gantry_jobs_submitted_total")).ShouldBe(2);
        (Value(after, "gantry_jobs_ended_total", "state=\"succeeded\"") - Value(before, "gantry_jobs_ended_total", "state=\"succeeded\"")).ShouldBe(2);
        (Value(after, "gantry_jobs_wait_duration_seconds_count") - Value(before, "gantry_jobs_wait_duration_seconds_count")).ShouldBe(2);
        (Value(after, "gantry_jobs_run_duration_seconds_count") - Value(before, "gantry_jobs_run_duration_seconds_count")).ShouldBe(2);
        Value(after, "gantry_queue_depth", "state=\"queued\"").ShouldBe(0);
        Value(after, "gantry_worker_slots").ShouldBeGreaterThanOrEqualTo(1);
        Value(after, "http_server_request_duration_seconds_count").ShouldBeGreaterThan(Value(before, "http_server_request_duration_seconds_count"));
    }

    [Fact]
    public async Task Anonymous_metrics_and_json_console_logs_are_settings()
    {
        using var data = new TempDirectory();
        await using var gantry = await ServeProcess.StartAsync(
            ["--data", data.Path],
            new Dictionary<string, string?> { ["GANTRY__METRICS__ANONYMOUS"] = "true", ["Logging__Console__FormatterName"] = "json" });
        using var anonymous = gantry.Client(null);
        var text = await ScrapeAsync(anonymous);
        Value(text, "gantry_leader").ShouldBe(1);

        var line = await gantry.Process.WaitForLineAsync("\"Category\":\"Microsoft.Hosting.Lifetime\"");
        using var log = JsonDocument.Parse(line);
        log.RootElement.GetProperty("LogLevel").GetString().ShouldBe("Information");
        log.RootElement.GetProperty("Message").GetString().ShouldNotBeNullOrEmpty();
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("metrics", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return text;
    }

    /// <summary>The sum of a metric's samples whose labels contain <paramref name="label"/> (0 when there are none).</summary>
    private static double Value(string exposition, string name, string? label = null) =>
        Sample().Matches(exposition)
            .Where(m => m.Groups["name"].Value == name && (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[^}]*\})?\s+(?<value>[-+0-9.eE]+|NaN)(\s+\d+)?\s*$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
