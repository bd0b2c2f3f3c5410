using Gantry.Engine.Execution;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Execution;

public sealed class EventSequenceTests : IDisposable
{
    private const string TextGraph = """
        {"1": {"class_type": "PrimitiveString", "inputs": {"value": "hi"}},
         "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
        """;

    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_normal_run_emits_comfyuis_sequence()
    {
        var (result, sink) = await _harness.RunAsync(TextGraph);

        sink.Trace.ShouldBe([
            "execution_start", "execution_cached",
            "progress_state", "executing:1", "progress_state",
            "progress_state", "executing:2", "executed:2", "progress_state",
            "execution_success",
        ]);
        result.Outcome.ShouldBe(ExecutionOutcome.Success);
    }

    [Fact]
    public async Task Event_payloads_are_comfyuis()
    {
        var (result, sink) = await _harness.RunAsync(TextGraph);
        var ms = _harness.Millis;
        var events = sink.Events;

        events[0].ToMessage().ShouldBeJson("""{"type": "execution_start", "data": {"prompt_id": "p1", "timestamp": @ms@}}""".Replace("@ms@", $"{ms}"));
        events[1].ToMessage().ShouldBeJson("""{"type": "execution_cached", "data": {"nodes": [], "prompt_id": "p1", "timestamp": @ms@}}""".Replace("@ms@", $"{ms}"));
        events[2].ToData().ShouldBeJson("""
            {"prompt_id": "p1", "nodes": {"1": {"value": 0.0, "max": 1.0, "state": "running", "node_id": "1", "prompt_id": "p1",
                                               "display_node_id": "1", "parent_node_id": null, "real_node_id": "1"}}}
            """);
        events[3].ToMessage().ShouldBeJson("""{"type": "executing", "data": {"node": "1", "display_node": "1", "prompt_id": "p1"}}""");
        events[7].ToMessage().ShouldBeJson("""
            {"type": "executed", "data": {"node": "2", "display_node": "2", "output": {"text": ["hi"]}, "prompt_id": "p1"}}
            """);
        events[8].ToData()["nodes"].ShouldNotBeNull().ShouldBeJson("""
            {"1": {"value": 1.0, "max": 1.0, "state": "finished", "node_id": "1", "prompt_id": "p1",
                   "display_node_id": "1", "parent_node_id": null, "real_node_id": "1"},
             "2": {"value": 1.0, "max": 1.0, "state": "finished", "node_id": "2", "prompt_id": "p1",
                   "display_node_id": "2", "parent_node_id": null, "real_node_id": "2"}}
            """);
        events[9].ToMessage().ShouldBeJson("""{"type": "execution_success", "data": {"prompt_id": "p1", "timestamp": @ms@}}""".Replace("@ms@", $"{ms}"));
        result.CompletionEvent.ToMessage().ShouldBeJson("""{"type": "executing", "data": {"node": null, "prompt_id": "p1"}}""");
    }

    [Fact]
    public async Task A_cached_rerun_reports_all_nodes_cached_and_replays_output_ui()
    {
        await _harness.RunAsync(TextGraph);
        var (result, sink) = await _harness.RunAsync(TextGraph, promptId: "p2");

        sink.Trace.ShouldBe(["execution_start", "execution_cached", "executed:2", "progress_state", "execution_success"]);
        sink.Events[1].ToData().ShouldBeJson("""{"nodes": ["1", "2"], "prompt_id": "p2", "timestamp": @ms@}""".Replace("@ms@", $"{_harness.Millis}"));
        sink.Events[2].ToData().ShouldBeJson("""{"node": "2", "display_node": "2", "output": {"text": ["hi"]}, "prompt_id": "p2"}""");
        result.ExecutedNodes.ShouldBeEmpty();
        result.CachedNodes.ShouldBe(["1", "2"]);
        result.OutputsJson().ShouldBeJson("""{"2": {"text": ["hi"]}}""");
    }

    [Fact]
    public async Task A_cached_output_node_without_ui_sends_executed_with_null_output()
    {
        const string graph = """{"1": {"class_type": "TestSteps", "inputs": {"steps": 1}}}""";
        await _harness.RunAsync(graph);
        var (result, sink) = await _harness.RunAsync(graph, promptId: "p2");

        sink.Events.OfType<ExecutedEvent>().ShouldHaveSingleItem().ToData().ShouldBeJson("""
            {"node": "1", "display_node": "1", "output": null, "prompt_id": "p2"}
            """);
        result.Outputs.ShouldBeEmpty();
    }

    [Fact]
    public async Task Progress_and_previews_go_through_the_sink()
    {
        var (_, sink) = await _harness.RunAsync("""{"1": {"class_type": "TestPreview", "inputs": {"steps": 2}}}""");

        sink.Trace.ShouldBe([
            "execution_start", "execution_cached",
            "progress_state", "executing:1",
            "progress_state", "preview_image", "progress:1:1/2",
            "progress_state", "progress:1:2/2",
            "progress_state", "execution_success",
        ]);
        sink.Events.OfType<ProgressEvent>().First().ToData().ShouldBeJson("""{"value": 1, "max": 2, "prompt_id": "p1", "node": "1"}""");
        var preview = sink.Events.OfType<PreviewImageEvent>().ShouldHaveSingleItem();
        preview.Image.Data.ToArray().ShouldBe(PreviewingNode.Png);
        preview.ToData().ShouldBeJson("""
            {"node_id": "1", "prompt_id": "p1", "display_node_id": "1", "parent_node_id": null, "real_node_id": "1", "image_type": "image/png"}
            """);
        sink.Events.OfType<ProgressStateEvent>().ElementAt(1).ToData()["nodes"].ShouldNotBeNull().ShouldBeJson("""
            {"1": {"value": 1, "max": 2, "state": "running", "node_id": "1", "prompt_id": "p1",
                   "display_node_id": "1", "parent_node_id": null, "real_node_id": "1"}}
            """);
    }

    [Fact]
    public async Task Progress_is_throttled_like_comfyui_first_and_last_always_go()
    {
        using var harness = new EngineHarness(progressInterval: TimeSpan.FromMilliseconds(100));

        var (_, sink) = await harness.RunAsync("""{"1": {"class_type": "TestSteps", "inputs": {"steps": 100}}}""");

        sink.Events.OfType<ProgressEvent>().Select(p => p.Value).ShouldBe([1L, 100L]);
    }

    [Fact]
    public async Task Hidden_inputs_carry_the_unique_id_extra_pnginfo_and_prompt()
    {
        var extra = JParser.Parse("""{"extra_pnginfo": {"workflow": {"id": "w"}}, "client_id": "c"}""").ShouldBeOfType<JObject>();

        var (result, _) = await _harness.RunAsync("""{"n:7": {"class_type": "TestHidden", "inputs": {}}}""", extraData: extra);

        result.OutputsJson().ShouldBeJson("""{"n:7": {"text": ["n:7|{\"workflow\":{\"id\":\"w\"}}|1"]}}""");
    }
}
