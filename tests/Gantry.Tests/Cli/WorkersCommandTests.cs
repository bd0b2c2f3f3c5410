using System.Text.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Cli;

/// <summary><c>gantry workers</c> as a real process against a real <c>gantry serve</c>, through the admin API.</summary>
public sealed class WorkersCommandTests
{
    [Fact]
    public async Task Workers_added_by_url_are_listed_kept_across_a_restart_drained_and_removed()
    {
        using var data = new TempDirectory();
        await using (var server = await ServeProcess.StartAsync(["--data", data.Path, "--embedded-workers", "1"]))
        {
            var url = server.BaseAddress.ToString();

            // The key comes from the data folder: the admin key the server wrote at first start.
            var (code, stdout, stderr) = await GantryProcess.RunAsync(["workers", "add", "http://10.0.0.7:8188", "--name", "gpu-a", "--auth-header", "Authorization: Bearer t", "--url", url, "--data", data.Path]);
            code.ShouldBe(0, stderr);
            stdout.ShouldContain("Added worker 'gpu-a' (http://10.0.0.7:8188)");

            var (tableCode, table, _) = await GantryProcess.RunAsync(["workers", "list", "--url", url, "--data", data.Path]);
            tableCode.ShouldBe(0);
            table.ShouldContain("embedded-1");
            table.ShouldContain("online");
            table.ShouldContain("gpu-a");
            table.ShouldContain("0/2");
        }

        await using (var again = await ServeProcess.StartAsync(["--data", data.Path]))
        {
            var environment = new Dictionary<string, string?>
            {
                ["GANTRY_URL"] = again.BaseAddress.ToString(),
                ["GANTRY_API_KEY"] = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin-key"), TestContext.Current.CancellationToken)).Trim(),
            };
            var workers = await ListJsonAsync(environment);
            var gpu = workers.Single(w => w.GetProperty("name").GetString() == "gpu-a");
            gpu.GetProperty("kind").GetString().ShouldBe("comfyui");
            gpu.GetProperty("url").GetString().ShouldBe("http://10.0.0.7:8188");
            gpu.GetProperty("origin").GetString().ShouldBe("registry");
            workers.ShouldNotContain(w => w.GetProperty("name").GetString() == "embedded-1");

            var (drainCode, drained, drainError) = await GantryProcess.RunAsync(["workers", "drain", "gpu-a"], environment);
            drainCode.ShouldBe(0, drainError);
            drained.ShouldContain("Worker 'gpu-a' is");

            var (removeCode, removed, _) = await GantryProcess.RunAsync(["workers", "remove", "gpu-a"], environment);
            removeCode.ShouldBe(0);
            removed.ShouldContain("Removed worker 'gpu-a'.");
            (await ListJsonAsync(environment)).ShouldBeEmpty();

            var (missingCode, _, missing) = await GantryProcess.RunAsync(["workers", "remove", "gpu-a"], environment);
            missingCode.ShouldBe(2);
            missing.ShouldContain("No worker named 'gpu-a'.");
        }
    }

    [Fact]
    public async Task A_drained_worker_resumed_takes_jobs_again()
    {
        using var data = new TempDirectory();
        using var outputs = new TempDirectory();
        await using var server = await ServeProcess.StartAsync(["--data", data.Path, "--embedded-workers", "1"]);
        string[] common = ["--url", server.BaseAddress.ToString(), "--data", data.Path];

        var (drainCode, drained, drainError) = await GantryProcess.RunAsync(["workers", "drain", "embedded-1", .. common]);
        drainCode.ShouldBe(0, drainError);
        drained.ShouldContain("is draining");

        var (resumeCode, resumed, resumeError) = await GantryProcess.RunAsync(["workers", "resume", "embedded-1", .. common]);
        resumeCode.ShouldBe(0, resumeError);
        resumed.ShouldContain("Worker 'embedded-1' is online: it takes new jobs again.");

        // Only a worker that takes jobs again can run this one (it is the only worker).
        var (runCode, run, runError) = await GantryProcess.RunAsync(["submit", RepositoryPaths.Example("text-preview.json"), "--wait", "--dir", outputs.Path, .. common]);
        runCode.ShouldBe(0, run + runError);
        run.ShouldContain("completed");

        var (missingCode, _, missing) = await GantryProcess.RunAsync(["workers", "resume", "nobody", .. common]);
        missingCode.ShouldBe(2);
        missing.ShouldContain("No worker named 'nobody'.");
    }

    [Fact]
    public async Task A_non_admin_key_a_wrong_key_and_no_server_exit_with_3()
    {
        using var data = new TempDirectory();
        await using var server = await ServeProcess.StartAsync(["--data", data.Path]);
        var url = server.BaseAddress.ToString();
        var (createCode, created, _) = await GantryProcess.RunAsync(["keys", "create", "--user", "bob", "--data", data.Path]);
        createCode.ShouldBe(0);
        var bobKey = created.TrimEnd().Split('\n')[^1].Trim();

        var (code, _, stderr) = await GantryProcess.RunAsync(["workers", "list", "--url", url, "--api-key", bobKey]);
        code.ShouldBe(3);
        stderr.ShouldContain("Not allowed with this API key (key from --api-key): This needs an admin API key.");

        var (wrongCode, _, wrong) = await GantryProcess.RunAsync(["workers", "add", "http://x:1", "--url", url, "--api-key", "gk_nope"]);
        wrongCode.ShouldBe(3);
        wrong.ShouldContain("Gantry refused the API key");

        var (downCode, _, down) = await GantryProcess.RunAsync(["workers", "list", "--url", "http://127.0.0.1:1", "--api-key", bobKey]);
        downCode.ShouldBe(3);
        down.ShouldContain("Cannot reach Gantry at http://127.0.0.1:1/");
    }

    [Theory]
    [InlineData("workers", "add")]
    [InlineData("workers", "list", "--url", "ftp://somewhere")]
    [InlineData("workers", "drain")]
    public async Task Usage_errors_exit_with_2(params string[] args)
    {
        var (code, _, _) = await GantryProcess.RunAsync(args);
        code.ShouldBe(2);
    }

    private static async Task<List<JsonElement>> ListJsonAsync(IReadOnlyDictionary<string, string?> environment)
    {
        var (code, stdout, stderr) = await GantryProcess.RunAsync(["workers", "list", "--json"], environment);
        code.ShouldBe(0, stderr);
        return [.. JsonDocument.Parse(stdout).RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
