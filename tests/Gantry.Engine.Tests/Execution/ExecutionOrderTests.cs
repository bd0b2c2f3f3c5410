using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Execution;

public sealed class ExecutionOrderTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Dependencies_run_first_in_a_deterministic_order_each_node_once()
    {
        const string graph = """
            {"3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}},
             "2": {"class_type": "StringConcatenate", "inputs": {"string_a": ["1", 0], "string_b": ["4", 0], "delimiter": "+"}},
             "1": {"class_type": "PrimitiveString", "inputs": {"value": "a"}},
             "4": {"class_type": "PrimitiveString", "inputs": {"value": "b"}},
             "5": {"class_type": "PreviewAny", "inputs": {"source": ["4", 0]}}}
            """;

        var (first, sink) = await _harness.RunAsync(graph, useCache: false);
        var (second, _) = await _harness.RunAsync(graph, promptId: "p2", useCache: false);

        first.ExecutedNodes.ShouldBe(["1", "4", "2", "3", "5"]);
        second.ExecutedNodes.ShouldBe(first.ExecutedNodes);
        sink.Trace.Where(t => t.StartsWith("executing:", StringComparison.Ordinal))
            .ShouldBe(["executing:1", "executing:4", "executing:2", "executing:3", "executing:5"]);
        first.OutputsJson().ShouldBeJson("""{"3": {"text": ["a+b"]}, "5": {"text": ["b"]}}""");
    }

    [Fact]
    public async Task Only_the_requested_outputs_and_their_ancestors_run()
    {
        var validation = _harness.Validate("""
            {"1": {"class_type": "TestCounter", "inputs": {"value": 1}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
             "3": {"class_type": "TestCounter", "inputs": {"value": 2}},
             "4": {"class_type": "PreviewAny", "inputs": {"source": ["3", 0]}}}
            """, partialTargets: ["4"]);

        var (result, _) = await _harness.RunValidatedAsync(validation);

        result.ExecutedNodes.ShouldBe(["3", "4"]);
        _harness.Counter["1"].ShouldBe(0);
    }
}
