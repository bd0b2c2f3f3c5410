using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Execution;

public sealed class ListSemanticsTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_node_runs_once_per_item_of_a_list_input_and_an_input_is_list_node_gets_the_whole_list()
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "TestRange", "inputs": {"start": 10, "count": 3}},
             "2": {"class_type": "TestCounter", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "TestSum", "inputs": {"values": ["2", 0]}}}
            """);

        _harness.Counter["2"].ShouldBe(3);
        result.OutputsJson().ShouldBeJson("""{"3": {"text": ["3 values, sum 36"]}}""");
    }

    [Fact]
    public async Task Shorter_lists_repeat_their_last_item_and_ui_lists_are_concatenated()
    {
        var (result, sink) = await _harness.RunAsync("""
            {"1": {"class_type": "TestStrings", "inputs": {"csv": "a,b,c"}},
             "2": {"class_type": "PrimitiveString", "inputs": {"value": "x"}},
             "3": {"class_type": "StringConcatenate", "inputs": {"string_a": ["1", 0], "string_b": ["2", 0], "delimiter": "-"}},
             "4": {"class_type": "PreviewAny", "inputs": {"source": ["3", 0]}}}
            """);

        result.OutputsJson().ShouldBeJson("""{"4": {"text": ["a-x", "b-x", "c-x"]}}""");
        sink.Events.OfType<Gantry.Engine.Execution.ExecutedEvent>().ShouldHaveSingleItem()
            .Output.ShouldNotBeNull().ShouldBeJson("""{"text": ["a-x", "b-x", "c-x"]}""");
    }

    [Fact]
    public async Task A_list_output_feeding_a_list_output_is_concatenated()
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "TestRange", "inputs": {"start": 1, "count": 2}},
             "2": {"class_type": "TestRange", "inputs": {"start": ["1", 0], "count": 2}},
             "3": {"class_type": "TestSum", "inputs": {"values": ["2", 0]}}}
            """);

        result.OutputsJson().ShouldBeJson("""{"3": {"text": ["4 values, sum 8"]}}""");
    }
}
