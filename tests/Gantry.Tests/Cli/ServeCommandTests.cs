using System.Net;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Cli;

/// <summary><c>gantry serve</c> as a real process: first start, admin key, settings from flags and environment.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task The_first_start_prints_the_admin_key_once_and_saves_it()
    {
        using var data = new TempDirectory();
        string key;
        await using (var server = await ServeProcess.StartAsync(["--data", data.Path]))
        {
            var keyFile = Path.Combine(data.Path, "admin-key");
            key = (await File.ReadAllTextAsync(keyFile, TestContext.Current.CancellationToken)).Trim();
            server.Process.Stdout.ShouldContain(key);
            File.GetUnixFileMode(keyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Exists(Path.Combine(data.Path, "gantry.db")).ShouldBeTrue();

            using var client = server.Client(key);
            using var response = await client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), TestContext.Current.CancellationToken);
            await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        }

        await using (var again = await ServeProcess.StartAsync(["--data", data.Path]))
        {
            again.Process.Stdout.ShouldNotContain("gk_");
            using var client = again.Client(key);
            using var response = await client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
            (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(1);
        }
    }

    [Fact]
    public async Task Settings_come_from_GANTRY_environment_variables()
    {
        using var data = new TempDirectory();
        await using var server = await ServeProcess.StartAsync([], new Dictionary<string, string?>
        {
            ["GANTRY__DATADIRECTORY"] = data.Path,
            ["GANTRY__AUTH__ENABLED"] = "false",
        });

        File.Exists(Path.Combine(data.Path, "admin-key")).ShouldBeTrue();
        using var anonymous = server.Client(apiKey: null);
        using var response = await anonymous.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        await response.ShouldBeJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task No_auth_serves_everyone_as_the_admin_user()
    {
        using var data = new TempDirectory();
        await using var server = await ServeProcess.StartAsync(["--data", data.Path, "--no-auth"]);
        using var anonymous = server.Client(apiKey: null);
        using var submit = await anonymous.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), TestContext.Current.CancellationToken);
        await submit.ShouldBeJsonAsync(HttpStatusCode.OK);

        var key = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin-key"), TestContext.Current.CancellationToken)).Trim();
        using var admin = server.Client(key);
        using var list = await admin.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        (await list.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_and_does_not_swallow_the_next_one()
    {
        using var data = new TempDirectory();
        var (code, stdout, stderr) = await GantryProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data.Path, "--foo"]);
        code.ShouldBe(2, stdout);
        stderr.ShouldContain("'--foo'");
        stderr.ShouldContain("Usage:");
        File.Exists(Path.Combine(data.Path, "gantry.db")).ShouldBeFalse();

        // Settings as --Section:Key=value still go to configuration.
        await using var server = await ServeProcess.StartAsync(["--data", data.Path, "--Gantry:Auth:Enabled=false"]);
        using var anonymous = server.Client(apiKey: null);
        using var response = await anonymous.GetAsync("api/jobs", TestContext.Current.CancellationToken);
        await response.ShouldBeJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Help_lists_the_common_settings()
    {
        var (code, stdout, _) = await GantryProcess.RunAsync(["serve", "--help"]);
        code.ShouldBe(0);
        stdout.ShouldContain("--Gantry:Scheduler:MaxRunningPerUser");
        stdout.ShouldContain("--Gantry:Proxy:KnownProxies");
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_with_exit_4_and_no_admin_key()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        await using var running = await ServeProcess.StartAsync(["--data", first.Path]);

        var (code, stdout, stderr) = await GantryProcess.RunAsync(
            ["serve", "--urls", running.BaseAddress.ToString().TrimEnd('/'), "--data", second.Path],
            new Dictionary<string, string?> { ["GANTRY__WORKERS__EMBEDDED"] = "0" });
        code.ShouldBe(4, stdout + stderr);
        stderr.Trim().ShouldNotContain("\n");
        stderr.ShouldContain("already in use");
        stdout.ShouldNotContain("gk_");
        File.Exists(Path.Combine(second.Path, "admin-key")).ShouldBeFalse();

        // The next start that can listen makes the key.
        await using var later = await ServeProcess.StartAsync(["--data", second.Path]);
        var key = (await File.ReadAllTextAsync(Path.Combine(second.Path, "admin-key"), TestContext.Current.CancellationToken)).Trim();
        later.Process.Stdout.ShouldContain(key);
    }

    [Theory]
    [InlineData("--urls", "not a url", 2, "is not an address to listen on")]
    [InlineData("--data", "FILE/inside", 5, "Cannot use the data folder")]
    [InlineData("--store", "Host=127.0.0.1;Port=1;Username=gantry;Database=gantry;Timeout=5", 5, "Cannot reach PostgreSQL at 127.0.0.1:1")]
    [InlineData("--Gantry:Proxy:KnownProxies:0=not-an-ip", "", 2, "'not-an-ip' is not an IP address")]
    public async Task A_start_that_cannot_work_is_one_line_with_its_exit_code(string option, string value, int exitCode, string message)
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "FILE");
        await File.WriteAllTextAsync(file, "not a folder", TestContext.Current.CancellationToken);
        string[] args = option == "--urls" ? [option, value] : ["--urls", "http://127.0.0.1:0", option, value.Replace("FILE", file, StringComparison.Ordinal)];
        var data = Path.Combine(folder.Path, "data");
        var (code, stdout, stderr) = await GantryProcess.RunAsync(
            ["serve", .. args.Where(a => a.Length > 0), .. option == "--data" ? Array.Empty<string>() : ["--data", data]],
            new Dictionary<string, string?> { ["GANTRY__WORKERS__EMBEDDED"] = "0" });
        code.ShouldBe(exitCode, stdout + stderr);
        stderr.Trim().ShouldNotContain("\n");
        stderr.ShouldContain(message);
        stdout.ShouldNotContain("gk_");
    }
}
