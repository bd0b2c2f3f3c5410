using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Validation;

public sealed class CoercionTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("PrimitiveBoolean", "\"false\"", "true")]
    [InlineData("PrimitiveBoolean", "\"\"", "false")]
    [InlineData("PrimitiveBoolean", "0", "false")]
    [InlineData("PrimitiveInt", "\"12\"", "12")]
    [InlineData("PrimitiveInt", "3.7", "3")]
    [InlineData("PrimitiveInt", "true", "1")]
    [InlineData("PrimitiveFloat", "\"1.5\"", "1.5")]
    [InlineData("PrimitiveFloat", "2", "2.0")]
    [InlineData("PrimitiveFloat", "NaN", "NaN")]
    [InlineData("PrimitiveString", "5", "\"5\"")]
    [InlineData("PrimitiveString", "1.0", "\"1.0\"")]
    [InlineData("PrimitiveString", "true", "\"True\"")]
    [InlineData("PrimitiveString", "null", "\"None\"")]
    [InlineData("PrimitiveString", "{\"__value__\": [1, \"a\"]}", "\"[1, 'a']\"")]
    public void Widget_values_are_coerced_with_pythons_conversions(string classType, string literal, string coerced)
    {
        var node = "{\"class_type\": \"" + classType + "\", \"inputs\": {\"value\": " + literal + "}}";
        var result = _harness.Validate("{\"1\": " + node + """, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}""");

        result.IsValid.ShouldBeTrue();
        var inputs = result.Prompt.ShouldNotBeNull().Find("1").ShouldNotBeNull().Inputs.ShouldNotBeNull();
        inputs["value"].ShouldNotBeNull().ToJsonString().ShouldBe(coerced);
    }

    [Fact]
    public async Task A_huge_seed_keeps_every_digit_through_validation_and_execution()
    {
        const string prompt = """
            {"1": {"class_type": "TestSeed", "inputs": {"seed": 18446744073709551615}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """;

        var validation = _harness.Validate(prompt);
        validation.Prompt.ShouldNotBeNull().Json.ToJsonString().ShouldContain("18446744073709551615");
        var (result, _) = await RunAsync(validation);
        result.OutputsJson().ShouldBeJson("""{"2": {"text": ["18446744073709551615"]}}""");
    }

    [Fact]
    public async Task A_value_wrapper_passes_a_literal_list_to_the_node()
    {
        var (result, _) = await _harness.RunAsync("""{"1": {"class_type": "PreviewAny", "inputs": {"source": {"__value__": [1, 2.5]}}}}""");

        result.OutputsJson().ShouldBeJson("""{"1": {"text": ["[\n    1,\n    2.5\n]"]}}""");
    }

    [Fact]
    public async Task Booleans_from_text_are_truthy_like_python()
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "PrimitiveBoolean", "inputs": {"value": "false"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """);

        result.OutputsJson().ShouldBeJson("""{"2": {"text": ["True"]}}""");
    }

    [Fact]
    public async Task Nan_floats_pass_min_and_max_and_preview_as_python_prints_them()
    {
        var (result, _) = await _harness.RunAsync("""
            {"1": {"class_type": "PrimitiveFloat", "inputs": {"value": NaN}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """);

        result.OutputsJson().ShouldBeJson("""{"2": {"text": ["nan"]}}""");
    }

    private Task<(Gantry.Engine.Execution.ExecutionResult Result, RecordingSink Sink)> RunAsync(Gantry.Engine.Validation.ValidationResult validation) =>
        _harness.RunValidatedAsync(validation);
}
