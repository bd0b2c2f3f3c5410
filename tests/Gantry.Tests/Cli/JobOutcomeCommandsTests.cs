using Gantry.Domain;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;

namespace Gantry.Tests.Cli;

/// <summary>
/// How the CLI ends when a job does not succeed, against a real server whose engine has the test nodes (a failing
/// node, a gate that holds a job running): exit 1 for a failed or cancelled job, with what went wrong.
/// </summary>
public sealed class JobOutcomeCommandsTests(EmbeddedSqliteServerFixture fixture) : IClassFixture<EmbeddedSqliteServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Fact]
    public async Task A_failed_job_exits_with_1_naming_the_node_and_the_error()
    {
        using var user = await Server.CreateUserAsync();
        using var folder = new TempDirectory();
        var workflow = Path.Combine(folder.Path, "fail.json");
        await File.WriteAllTextAsync(workflow, EngineTestNodes.FailGraph("out of paint"), TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await RunAsync(user.Key, "submit", workflow, "--wait", "--dir", folder.Path);
        code.ShouldBe(1, stdout + stderr);
        var id = JobCommandsTests.SubmittedId(stdout);
        stdout.ShouldContain("/2] node 2 TestFail");
        stdout.ShouldContain($"Job {id} failed");
        stdout.ShouldContain("node 2 (TestFail): ValueError: out of paint");
        stdout.ShouldNotContain("Saved ");

        var (statusCode, status, _) = await RunAsync(user.Key, "status", id);
        statusCode.ShouldBe(1);
        status.ShouldContain($"Job {id}: failed (error)");
        status.ShouldContain("  error:    node 2 (TestFail): ValueError: out of paint");

        var (outputsCode, outputs, outputsError) = await RunAsync(user.Key, "outputs", id, "--dir", folder.Path);
        outputsCode.ShouldBe(1);
        outputs.ShouldContain("has no output files");
        outputsError.ShouldContain("failed");

        var (tableCode, table, _) = await RunAsync(user.Key, "jobs", "--status", "failed");
        tableCode.ShouldBe(0);
        table.ShouldContain(id);
        table.ShouldContain("TestFail: out of paint");
    }

    [Fact]
    public async Task Cancelling_a_job_being_waited_for_ends_the_wait_with_1()
    {
        using var user = await Server.CreateUserAsync();
        using var folder = new TempDirectory();
        var gate = $"cli-{Guid.NewGuid():N}";
        var workflow = Path.Combine(folder.Path, "gate.json");
        await File.WriteAllTextAsync(workflow, EngineTestNodes.GateGraph(gate), TestContext.Current.CancellationToken);

        await using var waiting = GantryProcess.Start(["submit", workflow, "--wait", "--url", Server.BaseAddress.ToString(), "--api-key", user.Key]);
        var id = (await waiting.WaitForLineAsync("Submitted ")).Split(' ')[1];
        await JobWaiter.ReachedAsync(Server, TestGate.Named(gate));
        await JobWaiter.StateAsync(Server, Guid.Parse(id), JobState.Running);
        await waiting.WaitForLineAsync("node 1 TestGate");

        var (queueCode, queue, _) = await RunAsync(user.Key, "queue");
        queueCode.ShouldBe(0);
        queue.ShouldContain(id);
        queue.ShouldContain("1 running, 0 waiting.");
        var (statusCode, status, _) = await RunAsync(user.Key, "status", id);
        statusCode.ShouldBe(0);
        status.ShouldContain($"Job {id}: in_progress");

        var (cancelCode, cancelled, _) = await RunAsync(user.Key, "cancel", id);
        cancelCode.ShouldBe(0);
        cancelled.ShouldContain($"Cancelled job {id}.");

        (await waiting.WaitForExitAsync(TestTimeouts.Default)).ShouldBe(1, waiting.Stdout + waiting.Stderr);
        waiting.Stdout.ShouldContain($"Job {id} was cancelled: Cancelled by the user.");

        var (againCode, again, _) = await RunAsync(user.Key, "cancel", id);
        againCode.ShouldBe(0);
        again.ShouldContain($"Job {id} had already finished (cancelled); nothing to cancel.");
        var (endedCode, _, _) = await RunAsync(user.Key, "status", id);
        endedCode.ShouldBe(1);
    }

    [Fact]
    public async Task A_wait_with_a_timeout_leaves_the_job_running_and_exits_with_1()
    {
        using var user = await Server.CreateUserAsync();
        using var folder = new TempDirectory();
        var gate = $"cli-{Guid.NewGuid():N}";
        var workflow = Path.Combine(folder.Path, "gate.json");
        await File.WriteAllTextAsync(workflow, EngineTestNodes.GateGraph(gate), TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await RunAsync(user.Key, "submit", workflow, "--wait", "--timeout", "1");
        code.ShouldBe(1, stdout + stderr);
        var id = JobCommandsTests.SubmittedId(stdout);
        stderr.ShouldContain($"Job {id} is still");
        stderr.ShouldContain($"gantry status {id}");

        TestGate.Named(gate).Open();
        await JobWaiter.StateAsync(Server, Guid.Parse(id), JobState.Succeeded);
        var (statusCode, status, _) = await RunAsync(user.Key, "status", id);
        statusCode.ShouldBe(0);
        status.ShouldContain($"Job {id}: completed (success)");
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string key, params string[] args)
        => GantryProcess.RunAsync([.. args, "--url", Server.BaseAddress.ToString(), "--api-key", key]);
}
