using System.Text;
using System.Text.Json;
using Gantry.Engine.Json;
using Gantry.Workers;
using Gantry.Workers.ComfyUi;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>The protocol pieces on their own: message parsing, binary frames, run status, queue items, backoff, names.</summary>
public sealed class ComfyUiProtocolTests
{
    private static readonly Guid Job = Guid.Parse("0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11");

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"data\": {}}")]
    [InlineData("{\"type\": 7}")]
    [InlineData("{\"type\": \"\"}")]
    [InlineData("{\"type\": \"progress\", \"data\": {")]
    public void Frames_that_are_not_ComfyUI_messages_are_refused_without_throwing(string frame)
        => ComfyUiEvent.TryParse(Encoding.UTF8.GetBytes(frame)).ShouldBeNull();

    [Fact]
    public void The_reconnect_replay_without_prompt_id_parses_and_gets_the_job_id_when_forwarded()
    {
        var replay = ComfyUiEvent.TryParse("""{"type": "executing", "data": {"node": "12"}}"""u8).ShouldNotBeNull();

        replay.PromptId.ShouldBeNull();
        replay.IsPromptDone.ShouldBeFalse();
        var message = replay.ToWorkerMessage(Job);
        message.Type.ShouldBe("executing");
        using var frame = JsonDocument.Parse(message.Frame);
        frame.RootElement.GetProperty("data").GetProperty("node").GetString().ShouldBe("12");
        frame.RootElement.GetProperty("data").GetProperty("prompt_id").GetString().ShouldBe(Job.ToString("D"));
    }

    [Fact]
    public void Only_executing_with_a_null_node_is_the_end()
    {
        ComfyUiEvent.TryParse("""{"type": "executing", "data": {"node": null, "prompt_id": "x"}}"""u8)!.IsPromptDone.ShouldBeTrue();
        ComfyUiEvent.TryParse("""{"type": "executing", "data": {"prompt_id": "x"}}"""u8)!.IsPromptDone.ShouldBeFalse();
        ComfyUiEvent.TryParse("""{"type": "executed", "data": {"node": null, "prompt_id": "x"}}"""u8)!.IsPromptDone.ShouldBeFalse();
    }

    [Fact]
    public void Odd_data_reads_as_empty_and_NaN_leaves_as_strict_JSON_with_big_integers_intact()
    {
        ComfyUiEvent.TryParse("""{"type": "status", "data": "text"}"""u8)!.Data.Count.ShouldBe(0);
        var error = ComfyUiEvent.TryParse(
            """{"type": "execution_error", "data": {"prompt_id": "0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11", "current_inputs": {"a": [NaN, -Infinity, 18446744073709551615]}}}"""u8)!;

        var message = error.ToWorkerMessage(Job);

        using var frame = JsonDocument.Parse(message.Frame);
        var values = frame.RootElement.GetProperty("data").GetProperty("current_inputs").GetProperty("a");
        values[0].GetString().ShouldBe("NaN");
        values[1].GetString().ShouldBe("-Infinity");
        values[2].GetRawText().ShouldBe("18446744073709551615");
    }

    [Fact]
    public void Binary_frames_forward_types_1_3_and_4_and_type_4_names_its_prompt()
    {
        ComfyUiBinaryFrame.IsForwarded([0, 0, 0, 1, 0, 0, 0, 2, 9], out _).ShouldBeTrue();
        ComfyUiBinaryFrame.IsForwarded([0, 0, 0, 3, 0, 0, 0, 1, 0x33, 0x41], out _).ShouldBeTrue();
        ComfyUiBinaryFrame.IsForwarded([0, 0, 0, 2, 1], out _).ShouldBeFalse();
        ComfyUiBinaryFrame.IsForwarded([0, 0, 0, 1], out _).ShouldBeFalse();
        ComfyUiBinaryFrame.IsForwarded([1], out _).ShouldBeFalse();

        var metadata = Encoding.UTF8.GetBytes($$"""{"node_id": "9", "prompt_id": "{{Job:D}}", "image_type": "image/png"}""");
        byte[] frame = [0, 0, 0, 4, 0, 0, 0, (byte)metadata.Length, .. metadata, 0x89, 0x50];
        ComfyUiBinaryFrame.IsForwarded(frame, out var type).ShouldBeTrue();
        type.ShouldBe(4u);
        ComfyUiBinaryFrame.PromptIdOf(frame).ShouldBe(Job.ToString("D"));
        ComfyUiBinaryFrame.PromptIdOf([0, 0, 0, 4, 0, 0, 1, 0, 1, 2]).ShouldBeNull();
        ComfyUiBinaryFrame.PromptIdOf([0, 0, 0, 1, 0, 0, 0, 2, 1, 2]).ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"status_str": "success", "completed": true, "messages": [["execution_start", {"timestamp": 10}], ["execution_success", {"timestamp": 20}]]}""", WorkerJobResult.Succeeded, 10L, 20L)]
    [InlineData("""{"status_str": "error", "completed": false, "messages": [["execution_start", {"timestamp": 10}], ["execution_error", {"timestamp": 30, "node_id": "3"}]]}""", WorkerJobResult.Failed, 10L, 30L)]
    [InlineData("""{"status_str": "error", "completed": false, "messages": [["execution_start", {"timestamp": 10}], ["execution_interrupted", {"timestamp": 40}]]}""", WorkerJobResult.Interrupted, 10L, 40L)]
    [InlineData("""{"status_str": "success", "completed": true, "messages": [["execution_error", {"timestamp": 30, "exception_type": "graph.DependencyCycleError"}]]}""", WorkerJobResult.Failed, null, 30L)]
    [InlineData("""{"status_str": "error", "completed": false, "messages": []}""", WorkerJobResult.Failed, null, null)]
    [InlineData("""{"status_str": "success", "messages": [["odd"], 5, ["execution_start", "x"]]}""", WorkerJobResult.Succeeded, null, null)]
    [InlineData("null", WorkerJobResult.Succeeded, null, null)]
    public void The_run_status_follows_the_messages_over_status_str(string status, WorkerJobResult result, long? start, long? end)
    {
        var run = ComfyUiRunStatus.From(JParser.Parse(status));

        run.Result.ShouldBe(result);
        run.StartMs.ShouldBe(start);
        run.EndMs.ShouldBe(end);
        run.Status.ContainsKey("status_str").ShouldBeTrue();
    }

    [Fact]
    public void The_cloud_execution_error_has_exactly_seven_fields_of_the_right_kinds()
    {
        var error = (JObject)JParser.Parse("""
            {"prompt_id": "p", "node_id": "3", "node_type": "KSampler", "executed": ["4"], "exception_message": "boom\n",
             "exception_type": "RuntimeError", "traceback": ["a", 5], "current_inputs": {"cfg": [NaN]}, "current_outputs": ["4"], "timestamp": 1}
            """);

        var cloud = ComfyUiRunStatus.ToCloudExecutionError(error)!;

        cloud.Keys.ShouldBe(["node_id", "node_type", "exception_message", "exception_type", "traceback", "current_inputs", "current_outputs"]);
        cloud["traceback"].ShouldBe(JArray.OfStrings(["a", "5"]));
        cloud["current_inputs"]!.ToJsonString().ShouldBe("""{"cfg":["NaN"]}""");
        cloud["current_outputs"].ShouldBe(JObject.Empty);
        ComfyUiRunStatus.ToCloudExecutionError((JObject)JParser.Parse("{}"))!["node_id"]!.AsString.ShouldBe("");
        ComfyUiRunStatus.From(JParser.Parse("""{"status_str": "error", "messages": [["execution_error", {"exception_type": "RuntimeError", "exception_message": "boom\nTip: buy a GPU", "node_id": "3", "node_type": "KSampler"}]]}"""))
            .ErrorMessage("w").ShouldBe("RuntimeError: boom (node 3 KSampler)");
    }

    [Fact]
    public void Queue_items_are_matched_on_the_prompt_id_at_index_one_with_their_client_id()
    {
        var queue = ComfyUiQueue.Parse(JParser.Parse($$"""
            {"queue_running": [[4, "{{Job:D}}", {}, {"client_id": "abc", "create_time": 1}, ["9"]]],
             "queue_pending": [[5.0, "c77c7c77-0000-4000-8000-000000000000", {}, {}, ["9"]], "odd", [1], [2, 3]]}
            """));

        queue.Find(Job).ShouldBe(WorkerJobPresence.Running);
        queue.ClientIdOf(Job).ShouldBe("abc");
        queue.Find(Guid.Parse("c77c7c77-0000-4000-8000-000000000000")).ShouldBe(WorkerJobPresence.Pending);
        queue.Find(Guid.NewGuid()).ShouldBe(WorkerJobPresence.Unknown);
        ComfyUiQueue.Parse(JParser.Parse("[]")).Find(Job).ShouldBe(WorkerJobPresence.Unknown);
    }

    [Fact]
    public void Backoff_doubles_up_to_the_cap_and_starts_over_after_a_success()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), jitter: 0);

        Enumerable.Range(0, 6).Select(_ => backoff.NextDelay().TotalMilliseconds).ShouldBe([100, 200, 400, 800, 1000, 1000]);
        backoff.Failures.ShouldBe(6);
        backoff.Reset();
        backoff.NextDelay().ShouldBe(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Backoff_jitter_only_ever_shortens_a_delay_by_its_share()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), jitter: 0.5, new Random(7));

        var all = Enumerable.Range(0, 200).Select(_ => backoff.NextDelay().TotalMilliseconds).ToList();
        var delays = all[2..];

        delays.ShouldAllBe(d => d >= 200 && d <= 400);
        delays.Distinct().Count().ShouldBeGreaterThan(100);
        all[0].ShouldBeInRange(50, 100);
        all[1].ShouldBeInRange(100, 200);
    }

    [Theory]
    [InlineData("X-Api-Key: secret", "X-Api-Key", "secret")]
    [InlineData("Authorization:Bearer a:b", "Authorization", "Bearer a:b")]
    public void Auth_headers_parse_from_name_colon_value(string text, string name, string value)
    {
        var header = WorkerAuthHeader.Parse(text).ShouldNotBeNull();
        header.Name.ShouldBe(name);
        header.Value.ShouldBe(value);
        header.ToString().ShouldNotContain(value);
    }

    [Theory]
    [InlineData("no colon")]
    [InlineData(": value")]
    [InlineData("Bad Name: v")]
    public void Malformed_auth_headers_are_refused(string text) => Should.Throw<FormatException>(() => WorkerAuthHeader.Parse(text));

    [Fact]
    public void An_empty_auth_header_is_none() => WorkerAuthHeader.Parse(" ").ShouldBeNull();

    [Fact]
    public void The_socket_address_follows_the_base_address_scheme_and_path()
    {
        ComfyUiSocket.AddressFor(new Uri("http://10.0.0.5:8188/"), "abc").ToString().ShouldBe("ws://10.0.0.5:8188/ws?clientId=abc");
        ComfyUiSocket.AddressFor(new Uri("https://gpu.example/comfy/"), "abc").ToString().ShouldBe("wss://gpu.example/comfy/ws?clientId=abc");
    }
}
