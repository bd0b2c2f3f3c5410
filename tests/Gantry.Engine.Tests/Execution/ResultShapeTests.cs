using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Execution;

public sealed class ResultShapeTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_successful_run_is_a_history_entry_with_outputs_status_and_meta()
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "PrimitiveString", "inputs": {"value": "hi"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """);

        result.ToHistoryEntry().ShouldBeJson("""
            {"outputs": {"2": {"text": ["hi"]}},
             "status": {"status_str": "success", "completed": true,
                        "messages": [["execution_start", {"prompt_id": "p1", "timestamp": @ms@}],
                                     ["execution_cached", {"nodes": [], "prompt_id": "p1", "timestamp": @ms@}],
                                     ["execution_success", {"prompt_id": "p1", "timestamp": @ms@}]]},
             "meta": {"2": {"node_id": "2", "display_node": "2", "parent_node": null, "real_node_id": "2"}}}
            """.Replace("@ms@", $"{_harness.Millis}"));
    }

    [Fact]
    public async Task Timestamps_come_from_the_engine_clock()
    {
        var start = _harness.Millis;
        var (result, _) = await _harness.RunAsync("""{"1": {"class_type": "PreviewAny", "inputs": {"source": "x"}}}""");

        result.Messages.Select(m => m.ToData()["timestamp"]).ShouldAllBe(t => t!.Equals(new JInt(start)));
    }

    [Fact]
    public void File_entries_of_ui_outputs_are_listed_for_fetching()
    {
        var ui = UiOutput.Images(new UiFile("ComfyUI_00001_.png", "", "output"), new UiFile("b.png", "sub", "temp")).Add("text", "not a file");
        var result = new Gantry.Engine.Execution.ExecutionResult(
            "p", Gantry.Engine.Execution.ExecutionOutcome.Success, [], [new("9", ui.ToJson())], [], [], []);

        result.Files().ShouldBe([new UiFile("ComfyUI_00001_.png", "", "output"), new UiFile("b.png", "sub", "temp")]);
    }
}
