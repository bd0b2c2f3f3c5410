using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Cli;

/// <summary><c>gantry users</c> as a real process on a data folder.</summary>
public sealed class UsersCommandTests
{
    [Fact]
    public async Task Limits_are_set_shown_and_reset_to_the_defaults()
    {
        using var data = new TempDirectory();
        await ExistingStore.CreateAsync(data.Path);
        var (created, _, createErr) = await GantryProcess.RunAsync(["keys", "create", "--user", "bob", "--data", data.Path]);
        created.ShouldBe(0, createErr);

        var (code, stdout, stderr) = await GantryProcess.RunAsync(["users", "limits", "bob", "--weight", "2.5", "--max-running", "4", "--data", data.Path]);
        code.ShouldBe(0, stderr);
        stdout.ShouldContain("weight 2.5, max running 4, max queued default");

        var bob = await ListBobAsync(data.Path);
        bob.GetProperty("weight").GetDouble().ShouldBe(2.5);
        bob.GetProperty("max_running").GetInt32().ShouldBe(4);
        bob.GetProperty("max_queued").ValueKind.ShouldBe(JsonValueKind.Null);

        (await GantryProcess.RunAsync(["users", "limits", "bob", "--weight", "default", "--max-queued", "7", "--data", data.Path])).ExitCode.ShouldBe(0);
        bob = await ListBobAsync(data.Path);
        bob.GetProperty("weight").ValueKind.ShouldBe(JsonValueKind.Null);
        bob.GetProperty("max_running").GetInt32().ShouldBe(4);
        bob.GetProperty("max_queued").GetInt32().ShouldBe(7);
    }

    [Theory]
    [InlineData("--weight", "0")]
    [InlineData("--weight", "heavy")]
    [InlineData("--max-running", "-1")]
    public async Task Bad_values_and_unknown_users_are_usage_errors(string option, string value)
    {
        using var data = new TempDirectory();
        await ExistingStore.CreateAsync(data.Path);
        (await GantryProcess.RunAsync(["keys", "create", "--user", "bob", "--data", data.Path])).ExitCode.ShouldBe(0);

        var (code, _, stderr) = await GantryProcess.RunAsync(["users", "limits", "bob", option, value, "--data", data.Path]);
        code.ShouldBe(2);
        stderr.ShouldContain(option);

        var (unknown, _, unknownErr) = await GantryProcess.RunAsync(["users", "limits", "nobody", "--weight", "2", "--data", data.Path]);
        unknown.ShouldBe(2);
        unknownErr.ShouldContain("No user 'nobody'");
    }

    private static async Task<JsonElement> ListBobAsync(string dataPath)
    {
        var (code, json, stderr) = await GantryProcess.RunAsync(["users", "list", "--json", "--data", dataPath]);
        code.ShouldBe(0, stderr);
        return JsonDocument.Parse(json).RootElement.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "bob").Clone();
    }
}
