using Gantry.Engine.Execution;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Execution;

public sealed class FailureTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task The_first_failing_node_stops_the_whole_prompt()
    {
        var (result, sink) = await _harness.RunAsync("""
            {"1": {"class_type": "TestCounter", "inputs": {"value": 1}},
             "2": {"class_type": "TestFail", "inputs": {"kind": "value", "after": ["1", 0]}},
             "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}},
             "4": {"class_type": "TestCounter", "inputs": {"value": 5}},
             "5": {"class_type": "PreviewAny", "inputs": {"source": ["4", 0]}}}
            """);

        sink.Trace.ShouldBe([
            "execution_start", "execution_cached",
            "progress_state", "executing:1", "progress_state",
            "progress_state", "executing:2", "execution_error",
        ]);
        _harness.Counter["4"].ShouldBe(0);
        result.Outcome.ShouldBe(ExecutionOutcome.Error);
        result.StatusStr.ShouldBe("error");
        result.Completed.ShouldBeFalse();
        result.Messages.Select(m => m.Type).ShouldBe(["execution_start", "execution_cached", "execution_error"]);
    }

    [Fact]
    public async Task An_execution_error_carries_comfyuis_payload()
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "TestCounter", "inputs": {"value": 1}},
             "2": {"class_type": "TestFail", "inputs": {"kind": "value", "after": ["1", 0]}},
             "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}
            """);

        var error = result.Error.ShouldNotBeNull();
        error.Traceback.ShouldBeEmpty("a .NET stack names server source files; the type and message say what failed");
        var data = error.ToData();
        data.Keys.ShouldBe([
            "prompt_id", "node_id", "node_type", "executed", "exception_message", "exception_type", "traceback",
            "current_inputs", "current_outputs", "timestamp",
        ]);
        data.With("traceback", JArray.Empty).ShouldBeJson("""
            {"prompt_id": "p1", "node_id": "2", "node_type": "TestFail", "executed": ["1"],
             "exception_message": "bad value\n", "exception_type": "ValueError", "traceback": [],
             "current_inputs": {"kind": ["value"], "after": [2]}, "current_outputs": ["1", "2", "3"],
             "timestamp": @ms@}
            """.Replace("@ms@", $"{_harness.Millis}"));
    }

    [Theory]
    [InlineData("missing_file", "FileNotFoundError", "No such file: x.png\n")]
    [InlineData("dotnet_invalid_operation", "RuntimeError", "state is wrong\n")]
    [InlineData("parallel_value", "ValueError", "frame N is bad\n")]
    public async Task Dotnet_exceptions_get_python_like_names(string kind, string type, string message)
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "TestFail", "inputs": {"kind": "@kind@"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """.Replace("@kind@", $"{kind}"));

        var error = result.Error.ShouldNotBeNull();
        error.ExceptionType.ShouldBe(type);
        System.Text.RegularExpressions.Regex.Replace(error.ExceptionMessage, "[0-9]", "N").ShouldBe(message);
    }

    [Fact]
    public async Task A_failed_run_is_history_with_status_error()
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "TestFail", "inputs": {"kind": "value"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """);

        var status = result.StatusJson();
        status["status_str"].ShouldBe(new JString("error"));
        status["completed"].ShouldBe(JBool.False);
        var messages = status["messages"].ShouldBeOfType<JArray>();
        messages.Select(m => ((JArray)m)[0].AsString).ShouldBe(["execution_start", "execution_cached", "execution_error"]);
    }

    [Fact]
    public async Task Output_ids_that_are_not_in_the_prompt_are_refused_before_running()
    {
        var request = new ExecutionRequest
        {
            Prompt = JsonAssert.PromptOf("""{"1": {"class_type": "TestSteps", "inputs": {"steps": 1}}}"""),
            PromptId = "p1",
            OutputsToExecute = ["9"],
        };

        await Should.ThrowAsync<ArgumentException>(() => _harness.Engine.ExecuteAsync(request, cancellationToken: TestContext.Current.CancellationToken));
    }
}
