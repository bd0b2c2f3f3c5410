using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Validation;

/// <summary>Odd prompts become validation errors; nothing throws.</summary>
public sealed class OddShapeTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("""{"1": {"class_type": 5, "inputs": {}}}""", "missing_node_type")]
    [InlineData("""{"1": {"class_type": null, "inputs": {}}}""", "missing_node_type")]
    [InlineData("""{"1": {"class_type": ["PreviewAny"], "inputs": {}}}""", "missing_node_type")]
    [InlineData("""{"1": [1, 2]}""", "missing_node_type")]
    [InlineData("""{"1": {"class_type": "PreviewAny", "_meta": "not a dict"}}""", "prompt_outputs_failed_validation")]
    [InlineData("""{"1": {"class_type": "PreviewAny", "inputs": [1, 2]}}""", "prompt_outputs_failed_validation")]
    [InlineData("""{"1": {"class_type": "PreviewAny", "inputs": {"source": []}}}""", "prompt_outputs_failed_validation")]
    [InlineData("""{"1": {"class_type": "PreviewAny", "inputs": {"source": [["2"], 0]}}}""", "prompt_outputs_failed_validation")]
    [InlineData("""{"1": {"class_type": "PreviewAny", "inputs": {"source": ["1", "0"]}}}""", "prompt_outputs_failed_validation")]
    [InlineData("""{"1": {"class_type": "TestCounter", "inputs": {"value": {"__value__": [1]}}}, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}""", "prompt_outputs_failed_validation")]
    [InlineData("""{"1": {"class_type": "TestCombos", "inputs": {"model": 5, "mode": null}}}""", "prompt_outputs_failed_validation")]
    [InlineData("""{}""", "prompt_no_outputs")]
    [InlineData("""null""", "invalid_prompt")]
    [InlineData("\"text\"", "invalid_prompt")]
    public void Odd_prompts_give_comfyui_error_types(string prompt, string errorType)
    {
        var result = _harness.Validate(prompt);

        result.IsValid.ShouldBeFalse();
        result.Error.ShouldNotBeNull().Type.ShouldBe(errorType);
        result.ToErrorResponse().ToJsonString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void Missing_inputs_member_is_a_key_error_like_comfyui()
    {
        var error = _harness.Validate("""{"1": {"class_type": "PreviewAny"}}""").NodeErrors.ShouldHaveSingleItem().Value.Errors.ShouldHaveSingleItem();

        error.Type.ShouldBe("exception_during_validation");
        error.Details.ShouldBe("'inputs'");
        error.ExtraInfo["exception_type"].ShouldBe(new JString("KeyError"));
    }

    [Fact]
    public void A_string_compared_with_a_numeric_min_is_a_type_error_like_comfyui()
    {
        var nodes = Gantry.Engine.Catalog.NodeInfoSet.FromObjectInfo(JParser.Parse("""
            {"Sink": {"input": {"required": {"v": ["*", {"min": 0}]}}, "output": [], "output_node": true}}
            """));

        var result = Gantry.Engine.Validation.PromptValidator.Validate(JParser.Parse("""{"1": {"class_type": "Sink", "inputs": {"v": "x"}}}"""), nodes);

        var error = result.NodeErrors.ShouldHaveSingleItem().Value.Errors.ShouldHaveSingleItem();
        error.Type.ShouldBe("exception_during_validation");
        error.Details.ShouldBe("'<' not supported between instances of 'str' and 'int'");
        error.ExtraInfo["exception_type"].ShouldBe(new JString("TypeError"));
    }

    [Fact]
    public void A_missing_input_folder_lists_no_files_instead_of_failing()
    {
        Directory.Delete(_harness.Folders.Input, recursive: true);

        var result = _harness.Validate("""{"1": {"class_type": "TestFileCheck", "inputs": {"file": "a.txt"}}}""");

        result.Error.ShouldNotBeNull().Details.ShouldBe("Custom validation failed for node: file - Invalid image file: a.txt");
    }
}
