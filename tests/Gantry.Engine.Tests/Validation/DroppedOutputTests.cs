using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Validation;

public sealed class DroppedOutputTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void A_failing_node_lists_every_output_that_depends_on_it()
    {
        var result = _harness.Validate("""
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": "x"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
             "3": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """);

        result.IsValid.ShouldBeFalse();
        var entry = result.NodeErrors.ShouldHaveSingleItem();
        entry.Key.ShouldBe("1");
        entry.Value.DependentOutputs.ShouldBe(["2", "3"]);
        entry.Value.ClassType.ShouldBe("PrimitiveInt");
    }

    [Fact]
    public async Task An_invalid_branch_is_dropped_while_the_valid_one_runs()
    {
        var validation = _harness.Validate("""
            {"1": {"class_type": "PrimitiveString", "inputs": {"value": "kept"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
             "3": {"class_type": "PrimitiveInt", "inputs": {"value": "x"}},
             "4": {"class_type": "PreviewAny", "inputs": {"source": ["3", 0]}}}
            """);

        validation.IsValid.ShouldBeTrue();
        validation.Outputs.ShouldBe(["2"]);
        validation.NodeErrorsJson().ShouldBeJson("""
            {"3": {"errors": [{"type": "invalid_input_type", "message": "Failed to convert an input value to a INT value",
                               "details": "value, x, invalid literal for int() with base 10: 'x'",
                               "extra_info": {"input_name": "value",
                                              "input_config": ["INT", {"min": -9223372036854775807, "max": 9223372036854775807, "control_after_generate": true}],
                                              "received_value": "x", "exception_message": "invalid literal for int() with base 10: 'x'"}}],
                   "dependent_outputs": ["4"], "class_type": "PrimitiveInt"}}
            """);

        var (result, sink) = await _harness.RunValidatedAsync(validation);

        result.Outcome.ShouldBe(Gantry.Engine.Execution.ExecutionOutcome.Success);
        result.OutputsJson().ShouldBeJson("""{"2": {"text": ["kept"]}}""");
        sink.Trace.ShouldNotContain("executing:3");
        sink.Trace.ShouldNotContain("executing:4");
    }
}
