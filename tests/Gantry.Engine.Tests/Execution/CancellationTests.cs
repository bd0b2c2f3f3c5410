using Gantry.Engine.Execution;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Execution;

public sealed class CancellationTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Cancelling_inside_a_slow_node_interrupts_the_run()
    {
        using var interrupt = new CancellationTokenSource();
        var run = _harness.RunAsync(
            """
            {"1": {"class_type": "TestCounter", "inputs": {"value": 1}},
             "2": {"class_type": "TestSlow", "inputs": {"steps": 3, "after": ["1", 0]}}}
            """,
            interrupt);

        await _harness.Gate.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await interrupt.CancelAsync();
        var (result, sink) = await run;

        result.Outcome.ShouldBe(ExecutionOutcome.Interrupted);
        result.StatusStr.ShouldBe("error");
        sink.Trace.ShouldBe([
            "execution_start", "execution_cached",
            "progress_state", "executing:1", "progress_state",
            "progress_state", "executing:2", "progress_state", "progress:2:1/3",
            "execution_interrupted",
        ]);
        result.Interruption.ShouldNotBeNull().ToMessage().ShouldBeJson("""
            {"type": "execution_interrupted",
             "data": {"prompt_id": "p1", "node_id": "2", "node_type": "TestSlow", "executed": ["1"], "timestamp": @ms@}}
            """.Replace("@ms@", $"{_harness.Millis}"));
        result.Messages.Select(m => m.Type).ShouldBe(["execution_start", "execution_cached", "execution_interrupted"]);
    }

    [Fact]
    public async Task Cancelling_inside_a_parallel_loop_of_a_node_interrupts_the_run()
    {
        using var interrupt = new CancellationTokenSource();
        var run = _harness.RunAsync("""{"1": {"class_type": "TestParallelSlow", "inputs": {"frames": 2}}}""", interrupt);

        await _harness.Gate.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await interrupt.CancelAsync();
        var (result, _) = await run;

        result.Outcome.ShouldBe(ExecutionOutcome.Interrupted);
        result.Interruption.ShouldNotBeNull().NodeId.ShouldBe("1");
    }

    [Fact]
    public async Task A_run_cancelled_before_it_starts_stops_at_its_first_node()
    {
        using var interrupt = new CancellationTokenSource();
        await interrupt.CancelAsync();

        var (result, sink) = await _harness.RunAsync("""{"1": {"class_type": "TestSteps", "inputs": {"steps": 2}}}""", interrupt);

        result.Outcome.ShouldBe(ExecutionOutcome.Interrupted);
        sink.Trace.ShouldBe(["execution_start", "execution_cached", "progress_state", "executing:1", "execution_interrupted"]);
    }

    [Fact]
    public async Task A_cancelled_token_does_not_stop_a_fully_cached_rerun()
    {
        const string graph = """{"1": {"class_type": "TestSteps", "inputs": {"steps": 2}}}""";
        await _harness.RunAsync(graph);
        using var interrupt = new CancellationTokenSource();
        await interrupt.CancelAsync();

        var (result, _) = await _harness.RunAsync(graph, interrupt, promptId: "p2");

        result.Outcome.ShouldBe(ExecutionOutcome.Success);
    }
}
