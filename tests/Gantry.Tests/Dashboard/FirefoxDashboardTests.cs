using System.Diagnostics;
using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;

namespace Gantry.Tests.Dashboard;

/// <summary>
/// The dashboard in stock Firefox ESR (the Debian <c>firefox-esr</c> package; ./test.sh installs it), driven by npm
/// <c>puppeteer-core</c> over WebDriver BiDi from tests/clients/firefox-dashboard.mjs: sign in, the jobs list, a job's
/// page and the run page render with no console error. <c>GANTRY_TEST_FIREFOX</c> names another binary.
/// </summary>
[Collection(EmbeddedServerCollection.Name)]
public sealed class FirefoxDashboardTests(EmbeddedSqliteServerFixture fixture) : IClassFixture<EmbeddedSqliteServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task Sign_in_jobs_a_job_and_the_run_page_work_in_firefox_without_console_errors()
    {
        var firefox = FindFirefox();
        var scripts = RepositoryPaths.ClientScripts;
        if (!Directory.Exists(Path.Combine(scripts, "node_modules", "puppeteer-core")))
        {
            throw new InvalidOperationException($"puppeteer-core is not installed: run 'npm ci' in {scripts} (test.sh does).");
        }

        using var user = await Server.CreateUserAsync();
        var job = await JobWaiter.SubmitAsync(user.Client, TestWorkflows.Simple);
        await JobWaiter.StatusAsync(Server, user.Client, job, "completed");
        var workflow = Path.Combine(Path.GetTempPath(), $"gantry-firefox-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(workflow, TestWorkflows.Simple, TestContext.Current.CancellationToken);
        try
        {
            var info = new ProcessStartInfo("node")
            {
                WorkingDirectory = scripts,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("firefox-dashboard.mjs");
            info.Environment["GANTRY_URL"] = Server.BaseAddress.ToString();
            info.Environment["GANTRY_API_KEY"] = user.Key;
            info.Environment["GANTRY_JOB_ID"] = job.ToString("D");
            info.Environment["GANTRY_WORKFLOW_FILE"] = workflow;
            info.Environment["FIREFOX"] = firefox;
            using var process = Process.Start(info)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TestTimeouts.Default * 4);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var output = await stdout;
            process.ExitCode.ShouldBe(0, $"node firefox-dashboard.mjs failed.\nstdout:\n{output}\nstderr:\n{await stderr}");
            using var result = JsonDocument.Parse(output);
            var errors = result.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
            errors.ShouldBeEmpty();
            var steps = result.RootElement.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("step").GetString()!);
            steps["signin"].GetProperty("title").GetString().ShouldBe("Sign in to Gantry");
            steps["jobs"].GetProperty("rows").GetInt32().ShouldBe(1);
            steps["jobs"].GetProperty("url").GetString()!.ShouldNotContain(user.Key);
            steps["job"].GetProperty("timeline").GetString()!.ShouldContain("embedded-1");
            steps["job"].GetProperty("images").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
            steps["run"].GetProperty("title").GetString().ShouldBe("Run a workflow");
            steps["run"].GetProperty("inputs").EnumerateArray().Select(i => i.GetString()).ShouldContain("filename_prefix of node #3");
            steps["browser"].GetProperty("version").GetString()!.ShouldStartWith("firefox/");
        }
        finally
        {
            File.Delete(workflow);
        }
    }

    private static string FindFirefox()
    {
        var configured = Environment.GetEnvironmentVariable("GANTRY_TEST_FIREFOX");
        if (new[] { configured, "/usr/bin/firefox-esr", "/usr/lib/firefox-esr/firefox-esr" }.FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p)) is { } path)
        {
            return path;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException("No Firefox on CI: ./test.sh installs the Debian 'firefox-esr' package; it must be there.");
        }

        Assert.Skip("No Firefox ESR found (install the Debian 'firefox-esr' package, as ./test.sh does, or set GANTRY_TEST_FIREFOX).");
        throw new UnreachableException();
    }
}
