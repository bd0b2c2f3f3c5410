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
}
