using Gantry.Engine.Execution;
using Gantry.Engine.Tests.Support;
using Gantry.Engine.Validation;

namespace Gantry.Engine.Tests.Graphs;

/// <summary>
/// Graph walks take no thread stack per node: chains far deeper than any stack validate and run (on a thread with a
/// small stack, where a recursive walk would overflow and end the process), and the work grows with the graph.
/// </summary>
public sealed class GraphWalkTests : IDisposable
{
    private const int SmallStack = 256 * 1024;
    private readonly EngineHarness _harness = new();
    private readonly NodeResultCache _cache = new(100_000);

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData(9_000)]
    [InlineData(20_000)]
    public void A_long_chain_validates_on_a_small_stack(int length)
    {
        var prompt = JParser.Parse(Chains.Linear(length));
        var result = OnSmallStack(() => PromptValidator.Validate(prompt, _harness.Catalog.AsSource(_harness.Folders), maxNodes: 100_000));

        result.IsValid.ShouldBeTrue(result.Error?.ToJson().ToJsonString());
        result.Outputs.ShouldBe(["out"]);
        result.Prompt!.Count.ShouldBe(length + 1);
    }

    [Fact]
    public void A_chain_over_the_node_limit_is_refused_before_it_is_walked()
    {
        var result = _harness.Validate(Chains.Linear(PromptValidator.DefaultMaxNodes));

        result.IsValid.ShouldBeFalse();
        result.ToErrorResponse().ShouldBeJson($$$"""
            {"error": {"type": "prompt_too_large", "message": "Prompt has too many nodes",
                       "details": "The prompt has {{{PromptValidator.DefaultMaxNodes + 1}}} nodes; at most {{{PromptValidator.DefaultMaxNodes}}} are allowed.",
                       "extra_info": {"node_count": {{{PromptValidator.DefaultMaxNodes + 1}}}, "max_nodes": {{{PromptValidator.DefaultMaxNodes}}} } },
             "node_errors": {}}
            """);
        _harness.Validate(Chains.Linear(PromptValidator.DefaultMaxNodes - 1)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void A_long_cycle_is_reported_once_in_a_bounded_answer()
    {
        var prompt = JParser.Parse(Chains.Cycle(6_000));
        var result = OnSmallStack(() => PromptValidator.Validate(prompt, _harness.Catalog.AsSource(_harness.Folders), maxNodes: 100_000));

        result.IsValid.ShouldBeFalse();
        var body = result.ToErrorResponse().ToJsonString();
        body.Length.ShouldBeLessThan(64 * 1024);
        var cycleErrors = result.NodeErrors.SelectMany(e => e.Value.Errors).Where(e => e.Type == "dependency_cycle").ToList();
        cycleErrors.Count.ShouldBe(16);
        var first = cycleErrors[0];
        first.ExtraInfo["cycle_length"].ShouldBe(new JInt(6_000));
        first.ExtraInfo["cycle_nodes"].ShouldBeOfType<JArray>().Count.ShouldBe(16);
        first.Details.ShouldBe(string.Join(" -> ", Enumerable.Range(1, 16).Select(i => $"{i} (StringConcatenate)")) + " -> ... (5984 more) -> 1 (StringConcatenate)");
    }

    [Fact]
    public async Task A_chain_of_4000_nodes_runs_with_work_in_proportion_to_its_length()
    {
        var (small, smallSink) = await RunChainAsync(1_000, new NodeResultCache(100_000));
        var (large, largeSink) = await RunChainAsync(4_000, new NodeResultCache(100_000));

        large.Outcome.ShouldBe(ExecutionOutcome.Success);
        large.ExecutedNodes.Count.ShouldBe(4_001);
        large.OutputsJson().ShouldBeJson("""{"out": {"text": ["4000"]}}""");
        small.SignaturesComputed.ShouldBe(1_001);
        large.SignaturesComputed.ShouldBe(4_001);
        _harness.Counter.Total.ShouldBe(5_000);

        // ComfyUI's progress_state lists every node run so far: 4x the nodes would be 16x the states.
        var smallStates = StatesSent(smallSink);
        var largeStates = StatesSent(largeSink);
        ((double)largeStates / smallStates).ShouldBeLessThan(4.2);
    }

    [Fact]
    public async Task A_long_chain_run_again_is_served_from_the_cache_with_one_signature_per_node()
    {
        await RunChainAsync(3_000, _cache);
        var (again, _) = await RunChainAsync(3_000, _cache);

        again.ExecutedNodes.ShouldBeEmpty();
        again.CachedNodes.Count.ShouldBe(3_001);
        again.SignaturesComputed.ShouldBe(3_001);
        _harness.Counter.Total.ShouldBe(3_000);
    }

    private static long StatesSent(RecordingSink sink) => sink.Events.OfType<ProgressStateEvent>().Sum(e => (long)e.Nodes.Count);

    private async Task<(ExecutionResult Result, RecordingSink Sink)> RunChainAsync(int length, NodeResultCache cache)
    {
        var validation = PromptValidator.Validate(JParser.Parse(Chains.Linear(length)), _harness.Catalog.AsSource(_harness.Folders), maxNodes: 100_000);
        validation.IsValid.ShouldBeTrue();
        var sink = new RecordingSink();
        var request = new ExecutionRequest { Prompt = validation.Prompt!, PromptId = $"chain-{length}", OutputsToExecute = validation.Outputs, Cache = cache };
        var engine = new ComfyEngine(_harness.Catalog, _harness.Folders, new ComfyEngineOptions { ProgressInterval = TimeSpan.Zero });
        var result = await engine.ExecuteAsync(request, sink, TestContext.Current.CancellationToken);
        return (result, sink);
    }

    // A recursive walk of these graphs overflows even a default 1 MB stack; a quarter of that leaves no doubt.
    private static T OnSmallStack<T>(Func<T> work)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = work();
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            },
            SmallStack);
        thread.Start();
        thread.Join();
        return failure is null ? result! : throw new InvalidOperationException("The walk failed.", failure);
    }
}
