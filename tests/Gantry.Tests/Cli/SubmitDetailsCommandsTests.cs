using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;

namespace Gantry.Tests.Cli;

/// <summary>
/// What the CLI shows beyond files, against a real server with the built-in engine: why a workflow was refused (per
/// node), the text a job produced, where a job stands in the queue, and <c>gantry upload</c>.
/// </summary>
public sealed class SubmitDetailsCommandsTests(EmbeddedSqliteServerFixture fixture) : IClassFixture<EmbeddedSqliteServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task A_refused_workflow_shows_each_nodes_error_also_in_json()
    {
        using var user = await Server.CreateUserAsync();
        using var folder = new TempDirectory();
        var workflow = Path.Combine(folder.Path, "broken.json");
        await File.WriteAllTextAsync(workflow, """
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": "many"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """, TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await RunAsync(user.Key, "submit", workflow);
        code.ShouldBe(2, stdout + stderr);
        stderr.ShouldContain("The server refused the workflow: Prompt outputs failed validation");
        stderr.ShouldContain("  node 1 (PrimitiveInt) input 'value': Failed to convert an input value to a INT value: ");
        stderr.ShouldContain("many");

        var (jsonCode, json, _) = await RunAsync(user.Key, "submit", workflow, "--json");
        jsonCode.ShouldBe(2);
        var body = JsonDocument.Parse(json).RootElement;
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("prompt_outputs_failed_validation");
        var node = body.GetProperty("node_errors").GetProperty("1");
        node.GetProperty("class_type").GetString().ShouldBe("PrimitiveInt");
        node.GetProperty("errors")[0].GetProperty("extra_info").GetProperty("input_name").GetString().ShouldBe("value");
    }

    [Fact]
    public async Task Text_outputs_are_shown_by_submit_wait_status_and_outputs()
    {
        using var user = await Server.CreateUserAsync();
        using var folder = new TempDirectory();
        var (code, stdout, stderr) = await RunAsync(user.Key, "submit", RepositoryPaths.Example("text-preview.json"), "--wait", "--dir", folder.Path);
        code.ShouldBe(0, stdout + stderr);
        stdout.ShouldContain("Text from node 4 (PreviewAny): Hello, from\n  Gantry");
        stdout.ShouldContain("Text from node 6 (PreviewAny): 42");
        var id = JobCommandsTests.SubmittedId(stdout);

        var (statusCode, status, _) = await RunAsync(user.Key, "status", id);
        statusCode.ShouldBe(0);
        status.ShouldContain("  text:     node 6: 42");

        var (jsonCode, json, _) = await RunAsync(user.Key, "status", id, "--json");
        jsonCode.ShouldBe(0);
        JsonDocument.Parse(json).RootElement.GetProperty("texts").EnumerateArray()
            .Select(t => t.GetProperty("node_id").GetString() + "=" + t.GetProperty("text").GetString())
            .ShouldContain("6=42");

        var (outputsCode, outputs, _) = await RunAsync(user.Key, "outputs", id, "--dir", folder.Path);
        outputsCode.ShouldBe(0);
        outputs.ShouldContain("Text from node 6: 42");
    }

    [Fact]
    public async Task Upload_prints_the_name_LoadImage_takes_and_a_workflow_runs_with_it()
    {
        using var user = await Server.CreateUserAsync();
        using var folder = new TempDirectory();
        var (code, stdout, stderr) = await RunAsync(user.Key, "upload", RepositoryPaths.Example(Path.Combine("inputs", "gantry-sample.png")), "--subfolder", "cli");
        code.ShouldBe(0, stderr);
        var name = stdout.Trim();
        name.ShouldBe("cli/gantry-sample.png");

        var (runCode, run, runErr) = await RunAsync(user.Key, "submit", RepositoryPaths.Example("load-image.json"), "--set", $"1.image={name}", "--wait", "--dir", folder.Path);
        runCode.ShouldBe(0, run + runErr);
        run.ShouldContain("completed");

        var (missing, _, missingErr) = await RunAsync(user.Key, "upload", Path.Combine(folder.Path, "nothing.png"));
        missing.ShouldBe(2);
        missingErr.ShouldContain("No file");
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string key, params string[] args)
        => GantryProcess.RunAsync([.. args, "--url", Server.BaseAddress.ToString(), "--api-key", key]);
}
