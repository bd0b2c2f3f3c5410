using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Execution;

public sealed class CachingTests : IDisposable
{
    private const string TwoBranches = """
        {"1": {"class_type": "TestCounter", "inputs": {"value": 1}},
         "2": {"class_type": "TestCounter", "inputs": {"value": ["1", 0]}},
         "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}},
         "4": {"class_type": "TestCounter", "inputs": {"value": VALUE}},
         "5": {"class_type": "PreviewAny", "inputs": {"source": ["4", 0]}}}
        """;

    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Repeating_a_prompt_executes_nothing()
    {
        var graph = TwoBranches.Replace("VALUE", "7", StringComparison.Ordinal);
        var (first, _) = await _harness.RunAsync(graph);
        var (second, _) = await _harness.RunAsync(graph, promptId: "p2");

        first.ExecutedNodes.ShouldBe(["1", "2", "3", "4", "5"]);
        second.ExecutedNodes.ShouldBeEmpty();
        second.CachedNodes.ShouldBe(["1", "2", "3", "4", "5"]);
        _harness.Counter.Total.ShouldBe(3);
        second.OutputsJson().ShouldBeJson("""{"3": {"text": ["3"]}, "5": {"text": ["8"]}}""");
    }

    [Fact]
    public async Task Changing_one_widget_reruns_only_that_node_and_its_descendants()
    {
        await _harness.RunAsync(TwoBranches.Replace("VALUE", "7", StringComparison.Ordinal));
        var (second, sink) = await _harness.RunAsync(TwoBranches.Replace("VALUE", "8", StringComparison.Ordinal), promptId: "p2");

        second.CachedNodes.ShouldBe(["1", "2", "3"]);
        second.ExecutedNodes.ShouldBe(["4", "5"]);
        sink.Trace.ShouldContain("executed:3");
        sink.Trace.ShouldNotContain("executing:3");
        second.OutputsJson().ShouldBeJson("""{"3": {"text": ["3"]}, "5": {"text": ["9"]}}""");
        _harness.Counter["4"].ShouldBe(2);
        _harness.Counter["1"].ShouldBe(1);
    }

    [Fact]
    public async Task A_node_cached_at_start_feeds_a_node_that_runs()
    {
        await _harness.RunAsync("""
            {"1": {"class_type": "TestCounter", "inputs": {"value": 3}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """);
        var (second, _) = await _harness.RunAsync(
            """
            {"1": {"class_type": "TestCounter", "inputs": {"value": 3}},
             "5": {"class_type": "TestCounter", "inputs": {"value": ["1", 0]}},
             "6": {"class_type": "PreviewAny", "inputs": {"source": ["5", 0]}}}
            """,
            promptId: "p2");

        second.CachedNodes.ShouldBe(["1"]);
        second.ExecutedNodes.ShouldBe(["5", "6"]);
        second.OutputsJson().ShouldBeJson("""{"6": {"text": ["5"]}}""");
    }

    [Fact]
    public async Task Without_a_cache_everything_runs_again()
    {
        var graph = TwoBranches.Replace("VALUE", "7", StringComparison.Ordinal);
        await _harness.RunAsync(graph, useCache: false);
        var (second, sink) = await _harness.RunAsync(graph, promptId: "p2", useCache: false);

        second.CachedNodes.ShouldBeEmpty();
        second.ExecutedNodes.Count.ShouldBe(5);
        sink.Events[1].ToData()["nodes"].ShouldBe(JArray.Empty);
    }

    [Fact]
    public async Task Identical_nodes_in_one_prompt_share_one_execution_but_not_idempotent_ones_do_not()
    {
        var (result, sink) = await _harness.RunAsync("""
            {"1": {"class_type": "TestCounter", "inputs": {"value": 4}},
             "2": {"class_type": "TestCounter", "inputs": {"value": 4}},
             "3": {"class_type": "TestCounterVolatile", "inputs": {"value": 4}},
             "4": {"class_type": "TestCounterVolatile", "inputs": {"value": 4}},
             "5": {"class_type": "TestSum", "inputs": {"values": ["1", 0]}},
             "6": {"class_type": "TestSum", "inputs": {"values": ["2", 0]}},
             "7": {"class_type": "TestSum", "inputs": {"values": ["3", 0]}},
             "8": {"class_type": "TestSum", "inputs": {"values": ["4", 0]}}}
            """);

        _harness.Counter["1"].ShouldBe(1);
        _harness.Counter["2"].ShouldBe(0);
        _harness.Counter["3"].ShouldBe(1);
        _harness.Counter["4"].ShouldBe(1);
        result.ExecutedNodes.ShouldNotContain("2");
        sink.Trace.ShouldContain("executed:2");
    }

    [Fact]
    public async Task Not_idempotent_nodes_are_still_cached_between_prompts_under_their_id()
    {
        const string graph = """
            {"1": {"class_type": "TestCounterVolatile", "inputs": {"value": 4}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """;
        await _harness.RunAsync(graph);
        var (second, _) = await _harness.RunAsync(graph, promptId: "p2");

        second.CachedNodes.ShouldBe(["1", "2"]);
        _harness.Counter["1"].ShouldBe(1);
    }

    [Fact]
    public async Task A_fingerprint_change_reruns_the_node()
    {
        const string graph = """{"1": {"class_type": "TestFileCheck", "inputs": {"file": "a.txt"}}}""";
        _harness.WriteInputFile("a.txt", "first");
        await _harness.RunAsync(graph);
        var (cached, _) = await _harness.RunAsync(graph, promptId: "p2");
        _harness.WriteInputFile("a.txt", "second");
        var (changed, _) = await _harness.RunAsync(graph, promptId: "p3");

        cached.CachedNodes.ShouldBe(["1"]);
        changed.CachedNodes.ShouldBeEmpty();
        changed.OutputsJson().ShouldBeJson("""{"1": {"text": ["second"]}}""");
        _harness.Counter["1"].ShouldBe(2);
    }

    [Fact]
    public async Task The_cache_keeps_at_most_its_capacity()
    {
        var cache = new Gantry.Engine.Execution.NodeResultCache(2);
        var validation = _harness.Validate(TwoBranches.Replace("VALUE", "7", StringComparison.Ordinal));
        var request = new Gantry.Engine.Execution.ExecutionRequest
        {
            Prompt = validation.Prompt!,
            PromptId = "p1",
            OutputsToExecute = validation.Outputs,
            Cache = cache,
        };

        await _harness.Engine.ExecuteAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        cache.Count.ShouldBe(2);
        cache.Clear();
        cache.Count.ShouldBe(0);
    }
}
