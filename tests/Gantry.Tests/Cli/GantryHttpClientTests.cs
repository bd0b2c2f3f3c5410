using System.Net;
using Gantry.Api.Json;
using Gantry.Cli;
using Gantry.Client;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Cli;

/// <summary>The client library's HTTP client and the CLI around it: where the CLI finds the server and key, what kind each failure is, and the CLI's exit code for it.</summary>
public sealed class GantryHttpClientTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Fact]
    public void Flags_win_over_the_environment_which_wins_over_the_data_folders_admin_key()
    {
        using var data = new TempDirectory();
        File.WriteAllText(Path.Combine(data.Path, "admin-key"), "gk_from_file\n");
        var environment = new Dictionary<string, string?> { ["GANTRY_URL"] = "http://env-host:9000/base/", ["GANTRY_API_KEY"] = "gk_from_env" };

        var flags = CliConnection.Resolve("http://flag-host:1", "gk_from_flag", data.Path, environment.GetValueOrDefault);
        flags.BaseAddress.ShouldBe(new Uri("http://flag-host:1/"));
        flags.ApiKey.ShouldBe("gk_from_flag");
        flags.KeySource.ShouldBe("--api-key");

        var fromEnvironment = CliConnection.Resolve(null, null, data.Path, environment.GetValueOrDefault);
        fromEnvironment.BaseAddress.ShouldBe(new Uri("http://env-host:9000/base/"));
        fromEnvironment.ApiKey.ShouldBe("gk_from_env");

        var fromFile = CliConnection.Resolve(null, null, data.Path, _ => null);
        fromFile.BaseAddress.ShouldBe(new Uri("http://127.0.0.1:8188/"));
        fromFile.ApiKey.ShouldBe("gk_from_file");
        fromFile.KeySource.ShouldBe(Path.Combine(data.Path, "admin-key"));

        // Without --data, the folder the settings name (CliConfigurationTests runs that part as a real process).
        var viaSettings = CliConnection.Resolve(null, null, null, _ => null, flag => flag ?? data.Path);
        viaSettings.ApiKey.ShouldBe("gk_from_file");

        using var empty = new TempDirectory();
        CliConnection.Resolve(null, null, empty.Path, _ => null).ApiKey.ShouldBeNull();
        Should.Throw<UriFormatException>(() => CliConnection.Resolve("not a url", null, null, _ => null));
    }

    [Fact]
    public async Task It_reads_json_and_sends_typed_bodies()
    {
        using var client = new GantryHttpClient(new GantryHttpConnection(Server.BaseAddress, Server.AdminKey, "test"));
        var workers = await client.GetAsync("api/admin/workers", GantryJsonContext.Default.WorkerViewArray, TestContext.Current.CancellationToken);
        workers.ShouldBeEmpty();
        var jobs = await client.GetAsync("/api/jobs", TestContext.Current.CancellationToken);
        jobs.GetProperty("pagination").GetProperty("offset").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Refusals_carry_the_servers_message_and_exit_code()
    {
        using var admin = new GantryHttpClient(new GantryHttpConnection(Server.BaseAddress, Server.AdminKey, "test"));
        var missing = await Should.ThrowAsync<GantryHttpException>(() => admin.DeleteAsync("api/admin/workers/nobody", TestContext.Current.CancellationToken));
        missing.Failure.ShouldBe(GantryFailure.Refused);
        GantryHttpCommand.ExitCodeOf(missing).ShouldBe(2);
        missing.Status.ShouldBe(HttpStatusCode.NotFound);
        missing.Code.ShouldBe("not_found");
        missing.Message.ShouldBe("DELETE /api/admin/workers/nobody failed (404): No worker named 'nobody'.");

        using var anonymous = new GantryHttpClient(new GantryHttpConnection(Server.BaseAddress, null, "none"));
        var unauthorized = await Should.ThrowAsync<GantryHttpException>(() => anonymous.GetAsync("api/jobs", TestContext.Current.CancellationToken));
        unauthorized.Failure.ShouldBe(GantryFailure.AccessDenied);
        GantryHttpCommand.ExitCodeOf(unauthorized).ShouldBe(3);
        unauthorized.Message.ShouldStartWith("Gantry refused the API key (no key was sent): Missing API key");

        using var user = await Server.CreateUserAsync();
        using var plain = new GantryHttpClient(new GantryHttpConnection(Server.BaseAddress, user.Key, "GANTRY_API_KEY"));
        var forbidden = await Should.ThrowAsync<GantryHttpException>(() => plain.GetAsync("api/admin/workers", TestContext.Current.CancellationToken));
        forbidden.Failure.ShouldBe(GantryFailure.AccessDenied);
        GantryHttpCommand.ExitCodeOf(forbidden).ShouldBe(3);
        forbidden.Message.ShouldBe("Not allowed with this API key (key from GANTRY_API_KEY): This needs an admin API key.");
    }

    [Fact]
    public async Task An_unreachable_server_is_a_connection_error()
    {
        using var client = new GantryHttpClient(new GantryHttpConnection(new Uri("http://127.0.0.1:1/"), null, "none"));
        var down = await Should.ThrowAsync<GantryHttpException>(() => client.GetAsync("api/jobs", TestContext.Current.CancellationToken));
        down.Failure.ShouldBe(GantryFailure.Unavailable);
        GantryHttpCommand.ExitCodeOf(down).ShouldBe(3);
        down.Message.ShouldContain("Cannot reach Gantry at http://127.0.0.1:1/");
    }
}
