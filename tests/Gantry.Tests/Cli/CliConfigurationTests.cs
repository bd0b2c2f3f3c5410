using System.Net;
using System.Text.Json;
using Gantry.Store;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Cli;

/// <summary>
/// <c>gantry keys</c> (a real process) opens the store <c>gantry serve</c> would: the data folder named by
/// <c>appsettings.{Environment}.json</c>, by a <c>GANTRY__…</c> variable over it (in any case, as configuration keys are),
/// and by <c>--data</c> over both; a key it makes is one the server started with the same settings accepts.
/// </summary>
public sealed class CliConfigurationTests
{
    [Fact]
    public async Task Keys_open_the_store_serve_would_from_appsettings_variables_and_flags()
    {
        using var root = new TempDirectory();
        var fromFile = Path.Combine(root.Path, "from-appsettings");
        var fromVariable = Path.Combine(root.Path, "from-variable");
        await ExistingStore.CreateAsync(fromFile);
        await ExistingStore.CreateAsync(fromVariable);

        // appsettings.{Environment}.json next to gantry.dll, for an environment only this test names.
        var environmentName = "CliConfig" + Guid.NewGuid().ToString("N");
        var settingsFile = Path.Combine(AppContext.BaseDirectory, $"appsettings.{environmentName}.json");
        await File.WriteAllTextAsync(settingsFile, JsonSerializer.Serialize(new { Gantry = new { DataDirectory = fromFile } }), Ct);
        try
        {
            // The working directory has no ./gantry-data: the old default would find no store here.
            var environment = new Dictionary<string, string?>
            {
                ["DOTNET_ENVIRONMENT"] = environmentName,
                ["ASPNETCORE_ENVIRONMENT"] = environmentName,
                ["GANTRY__DATADIRECTORY"] = null,
            };
            var (code, _, stderr) = await GantryProcess.RunAsync(["keys", "create", "--user", "alice"], environment, root.Path);
            code.ShouldBe(0, stderr);
            (await UsersAsync(fromFile)).ShouldBe(["alice"]);

            environment["Gantry__DataDirectory"] = fromVariable;
            string bobsKey;
            (code, bobsKey, stderr) = await GantryProcess.RunAsync(["keys", "create", "--user", "bob"], environment, root.Path);
            code.ShouldBe(0, stderr);
            (await UsersAsync(fromVariable)).ShouldBe(["bob"]);

            (code, _, stderr) = await GantryProcess.RunAsync(["keys", "create", "--user", "carol", "--data", fromFile], environment, root.Path);
            code.ShouldBe(0, stderr);
            (await UsersAsync(fromFile)).ShouldBe(["alice", "carol"]);
            (await UsersAsync(fromVariable)).ShouldBe(["bob"]);

            // serve with the same settings opens the variable's store: bob's key works there.
            await using var server = await ServeProcess.StartAsync([], environment);
            using var client = server.Client(bobsKey.TrimEnd().Split('\n')[^1].Trim());
            using var response = await client.GetAsync("api/jobs", Ct);
            await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        }
        finally
        {
            File.Delete(settingsFile);
        }
    }

    [Fact]
    public async Task A_broken_appsettings_file_is_one_line_and_exit_2_as_for_serve()
    {
        using var root = new TempDirectory();
        var environmentName = "CliConfig" + Guid.NewGuid().ToString("N");
        var settingsFile = Path.Combine(AppContext.BaseDirectory, $"appsettings.{environmentName}.json");
        await File.WriteAllTextAsync(settingsFile, "{\"Gantry\": {", Ct);
        try
        {
            var environment = new Dictionary<string, string?> { ["DOTNET_ENVIRONMENT"] = environmentName, ["ASPNETCORE_ENVIRONMENT"] = environmentName };
            var (code, stdout, stderr) = await GantryProcess.RunAsync(["keys", "list"], environment, root.Path);
            code.ShouldBe(2, stdout);
            stderr.Trim().ShouldStartWith("Bad setting:");
            stderr.Trim().Split('\n').Length.ShouldBe(1);
        }
        finally
        {
            File.Delete(settingsFile);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string[]> UsersAsync(string dataDirectory)
    {
        await using var store = GantryStoreFactory.Create(postgresConnectionString: null, dataDirectory);
        await store.InitializeAsync(Ct);
        return [.. (await store.ListUsersAsync(Ct)).Select(u => u.Name).Where(n => n != "admin")];
    }
}
