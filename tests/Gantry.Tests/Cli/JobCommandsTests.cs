using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Cli;

/// <summary><c>gantry serve --embedded-workers 1</c> as a real process: the server the CLI job commands run against.</summary>
public sealed class ServeWithWorkerFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("gantry-cli");
    private ServeProcess? _server;

    public ServeProcess Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public string Url => Server.BaseAddress.ToString();

    public string AdminKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _server = await ServeProcess.StartAsync(["--data", _data.Path, "--embedded-workers", "1"]);
        AdminKey = (await File.ReadAllTextAsync(Path.Combine(_data.Path, "admin-key"))).Trim();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _data.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The job commands (<c>submit</c>, <c>status</c>, <c>jobs</c>, <c>queue</c>, <c>outputs</c>) as processes against a real server running the examples.</summary>
public sealed class JobCommandsTests(ServeWithWorkerFixture fixture) : IClassFixture<ServeWithWorkerFixture>
{
    [Fact]
    public async Task Submit_wait_follows_a_multi_node_example_node_by_node_and_saves_its_outputs()
    {
        using var outputs = new TempDirectory();
        var example = RepositoryPaths.Example("batch-operations.json");
        var (code, stdout, stderr) = await RunAsync("submit", example, "--wait", "--dir", outputs.Path);
        code.ShouldBe(0, stderr + stdout);

        var id = SubmittedId(stdout);
        var graph = JsonNode.Parse(await File.ReadAllTextAsync(example, TestContext.Current.CancellationToken))!.AsObject();
        foreach (var (node, value) in graph)
        {
            stdout.ShouldContain($"/{graph.Count}] node {node} {value!["class_type"]}\n");
        }

        stdout.ShouldContain("Running.");
        stdout.ShouldContain($"Job {id} completed in ");
        var saved = stdout.Split('\n').Where(l => l.StartsWith("Saved ", StringComparison.Ordinal)).Select(l => l["Saved ".Length..]).ToList();
        saved.Count.ShouldBe(3);
        foreach (var path in saved)
        {
            path.ShouldStartWith(Path.Combine(outputs.Path, "examples"));
            (await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken))[..4].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        }

        var (statusCode, status, _) = await RunAsync("status", id);
        statusCode.ShouldBe(0);
        status.ShouldContain($"Job {id}: completed (success)");
        status.ShouldContain("  worker:   embedded-1");
        status.ShouldContain("  output:   node 15: examples/batch_");

        var (jsonCode, json, _) = await RunAsync("status", id, "--json");
        jsonCode.ShouldBe(0);
        var report = JsonDocument.Parse(json).RootElement;
        report.GetProperty("found").GetBoolean().ShouldBeTrue();
        report.GetProperty("done").GetBoolean().ShouldBeTrue();
        report.GetProperty("status_str").GetString().ShouldBe("success");
        report.GetProperty("stats").GetProperty("outputs_count").GetInt32().ShouldBe(3);

        using var again = new TempDirectory();
        var (outputsCode, listed, _) = await RunAsync("outputs", id, "--dir", again.Path, "--json");
        outputsCode.ShouldBe(0);
        var files = JsonDocument.Parse(listed).RootElement.GetProperty("files");
        files.GetArrayLength().ShouldBe(3);
        foreach (var file in files.EnumerateArray())
        {
            File.Exists(file.GetProperty("path").GetString()).ShouldBeTrue();
        }

        var (jobsCode, jobs, _) = await RunAsync("jobs", "--status", "completed", "--json");
        jobsCode.ShouldBe(0);
        JsonDocument.Parse(jobs).RootElement.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()).ShouldContain(id);
        var (tableCode, table, _) = await RunAsync("jobs", "--limit", "50");
        tableCode.ShouldBe(0);
        table.ShouldContain(id);
        table.ShouldContain("completed");

        var (queueCode, queue, _) = await RunAsync("queue", "--json");
        queueCode.ShouldBe(0);
        var queued = JsonDocument.Parse(queue).RootElement;
        queued.GetProperty("running").EnumerateArray().Concat(queued.GetProperty("pending").EnumerateArray())
            .Select(e => e.GetProperty("prompt_id").GetString()).ShouldNotContain(id);
    }

    [Fact]
    public async Task Set_replaces_inputs_before_submitting_and_json_reports_the_saved_files()
    {
        using var outputs = new TempDirectory();
        var (code, stdout, stderr) = await RunAsync(
            "submit", RepositoryPaths.Example("blur-sharpen-composite.json"), "--set", "8.scale_by=0.5", "--set", "9.filename_prefix=cli/half", "--wait", "--json", "--dir", outputs.Path);
        code.ShouldBe(0, stderr);
        stderr.ShouldContain("Submitted ");
        stderr.ShouldContain("/9] node 8 ImageScaleBy");
        var result = JsonDocument.Parse(stdout).RootElement;
        result.GetProperty("job").GetProperty("status").GetString().ShouldBe("completed");
        var file = result.GetProperty("files").EnumerateArray().ShouldHaveSingleItem();
        file.GetProperty("subfolder").GetString().ShouldBe("cli");
        file.GetProperty("filename").GetString()!.ShouldStartWith("half_");
        var png = await File.ReadAllBytesAsync(file.GetProperty("path").GetString()!, TestContext.Current.CancellationToken);
        BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)).ShouldBe(64);

        var (plainCode, plain, _) = await RunAsync("submit", RepositoryPaths.Example("text-preview.json"));
        plainCode.ShouldBe(0);
        plain.ShouldStartWith("Submitted ");
        plain.ShouldContain("(queue position ");
        var (jsonCode, json, _) = await RunAsync("submit", RepositoryPaths.Example("text-preview.json"), "--json");
        jsonCode.ShouldBe(0);
        Guid.TryParse(JsonDocument.Parse(json).RootElement.GetProperty("prompt_id").GetString(), out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Running_an_example_again_reports_the_nodes_that_came_from_the_cache()
    {
        using var outputs = new TempDirectory();
        var example = RepositoryPaths.Example("mask-operations.json");
        var (firstCode, _, firstError) = await RunAsync("submit", example, "--wait", "--dir", outputs.Path);
        firstCode.ShouldBe(0, firstError);

        var (code, stdout, stderr) = await RunAsync("submit", example, "--wait", "--dir", outputs.Path);
        code.ShouldBe(0, stderr);
        var id = SubmittedId(stdout);
        var nodes = JsonNode.Parse(await File.ReadAllTextAsync(example, TestContext.Current.CancellationToken))!.AsObject().Count;
        stdout.ShouldContain("Cached: node 1, ");
        stdout.ShouldContain($"node(s) cached.");

        var (statusCode, json, _) = await RunAsync("status", id, "--json");
        statusCode.ShouldBe(0);
        var cached = JsonDocument.Parse(json).RootElement.GetProperty("stats").GetProperty("cached_nodes");
        cached.GetArrayLength().ShouldBeInRange(1, nodes);
        cached.EnumerateArray().Select(n => n.GetString()).ShouldContain("1");
    }

    [Theory]
    [InlineData("No workflow file 'missing.json'", "submit", "missing.json")]
    [InlineData("is not NODE.INPUT=VALUE", "submit", "{example}", "--set", "scale=2")]
    [InlineData("The workflow has no node '99'", "submit", "{example}", "--set", "99.seed=1")]
    [InlineData("Node '8' (ImageScaleBy) has no input 'seed'", "submit", "{example}", "--set", "8.seed=1")]
    [InlineData("Job 0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11 not found.", "status", "0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11")]
    [InlineData("is not a job id", "status", "not-a-uuid")]
    [InlineData("not found", "cancel", "0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11")]
    [InlineData("not found", "outputs", "0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11")]
    [InlineData("Invalid status value 'sleeping'", "jobs", "--status", "sleeping")]
    [InlineData("Unrecognized command or argument", "queue", "--bogus")]
    [InlineData("Required argument missing", "cancel")]
    public async Task Usage_errors_exit_with_2(string message, params string[] args)
    {
        var resolved = args.Select(a => a == "{example}" ? RepositoryPaths.Example("blur-sharpen-composite.json") : a).ToArray();
        var (code, stdout, stderr) = await RunAsync(resolved);
        code.ShouldBe(2, stdout + stderr);
        stderr.ShouldContain(message, Case.Insensitive);
    }

    [Fact]
    public async Task A_wrong_key_or_an_unreachable_server_exits_with_3()
    {
        var (wrongCode, _, wrong) = await GantryProcess.RunAsync(["jobs", "--url", fixture.Url, "--api-key", "gk_wrong"]);
        wrongCode.ShouldBe(3);
        wrong.ShouldContain("Gantry refused the API key (key from --api-key): Invalid API key.");

        var (downCode, _, down) = await GantryProcess.RunAsync(
            ["submit", RepositoryPaths.Example("text-preview.json"), "--wait"], new Dictionary<string, string?> { ["GANTRY_URL"] = "http://127.0.0.1:1", ["GANTRY_API_KEY"] = "gk_x" });
        downCode.ShouldBe(3);
        down.ShouldContain("Cannot reach Gantry at http://127.0.0.1:1/");
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
        => GantryProcess.RunAsync([.. args, "--url", fixture.Url, "--api-key", fixture.AdminKey]);

    internal static string SubmittedId(string output)
    {
        var line = output.Split('\n').First(l => l.StartsWith("Submitted ", StringComparison.Ordinal));
        return line.Split(' ')[1];
    }
}
