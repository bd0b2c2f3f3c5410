using System.Net;
using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Cli;

/// <summary><c>gantry keys</c> run as a real process against a data folder, and the key it prints used over HTTP.</summary>
public sealed class KeysCommandTests
{
    [Fact]
    public async Task Create_prints_the_key_last_list_shows_it_and_revoke_ends_it()
    {
        using var data = new TempDirectory();
        await ExistingStore.CreateAsync(data.Path);

        var (code, stdout, stderr) = await GantryProcess.RunAsync(["keys", "create", "--user", "alice", "--name", "laptop", "--data", data.Path]);
        code.ShouldBe(0, stderr);
        var key = stdout.TrimEnd().Split('\n')[^1].Trim();
        key.ShouldStartWith("gk_");
        stdout.ShouldContain("Created user 'alice'");

        var (listCode, listJson, _) = await GantryProcess.RunAsync(["keys", "list", "--json", "--data", data.Path]);
        listCode.ShouldBe(0);
        var keys = JsonDocument.Parse(listJson).RootElement;
        var entry = keys.EnumerateArray().Single(k => k.GetProperty("user").GetString() == "alice");
        entry.GetProperty("prefix").GetString().ShouldBe(key[..11]);
        entry.GetProperty("name").GetString().ShouldBe("laptop");
        listJson.ShouldNotContain(key);

        // The key works against a server on the same data folder.
        await using (var server = await StartServerAsync(data.Path))
        {
            using var client = server.Client(key);
            using var response = await client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
            await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        }

        var id = entry.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (revokeCode, revokeOut, _) = await GantryProcess.RunAsync(["keys", "revoke", id, "--data", data.Path]);
        revokeCode.ShouldBe(0);
        revokeOut.ShouldContain($"Revoked key {id}");

        await using (var server = await StartServerAsync(data.Path))
        {
            using var client = server.Client(key);
            using var response = await client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
            await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        var (again, _, againErr) = await GantryProcess.RunAsync(["keys", "revoke", id, "--data", data.Path]);
        again.ShouldBe(2);
        againErr.ShouldContain("No active key");
    }

    [Fact]
    public async Task Usage_errors_exit_with_2()
    {
        var (code, _, stderr) = await GantryProcess.RunAsync(["keys", "create"]);
        code.ShouldBe(2);
        stderr.ShouldContain("--user");

        var (unknown, _, _) = await GantryProcess.RunAsync(["no-such-command"]);
        unknown.ShouldBe(2);
    }

    [Theory]
    [InlineData("keys", "create", "--user", "alice")]
    [InlineData("keys", "list")]
    [InlineData("keys", "revoke", "1")]
    [InlineData("users", "list")]
    [InlineData("users", "limits", "alice", "--weight", "2")]
    public async Task Store_commands_refuse_a_folder_without_a_store_and_create_nothing(params string[] command)
    {
        using var folder = new TempDirectory();
        var data = Path.Combine(folder.Path, "gantry-data");

        // Once with --data, once from the folder's ./gantry-data default.
        var (code, stdout, stderr) = await GantryProcess.RunAsync([.. command, "--data", data]);
        code.ShouldBe(2, stdout);
        stderr.Trim().ShouldBe(stderr.Trim().Split('\n')[0], "one line");
        stderr.ShouldContain($"No Gantry store at {Path.Combine(data, "gantry.db")}");

        var (fromFolder, _, folderErr) = await GantryProcess.RunAsync(command, workingDirectory: folder.Path);
        fromFolder.ShouldBe(2);
        folderErr.ShouldContain(Path.Combine(data, "gantry.db"));
        Directory.Exists(data).ShouldBeFalse();
    }

    private static async Task<ServeProcess> StartServerAsync(string dataDirectory)
        => await ServeProcess.StartAsync(["--data", dataDirectory]);
}
