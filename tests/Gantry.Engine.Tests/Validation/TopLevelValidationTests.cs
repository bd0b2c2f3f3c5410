using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Validation;

public sealed class TopLevelValidationTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void A_node_without_class_type_is_named_by_its_title()
    {
        var result = _harness.Validate("""{"1": {"inputs": {}, "_meta": {"title": "My Loader"}}}""");

        result.IsValid.ShouldBeFalse();
        result.ToErrorResponse().ShouldBeJson("""
            {"error": {"type": "missing_node_type",
                       "message": "Node 'My Loader' has no class_type. The workflow may be corrupted or a custom node is missing.",
                       "details": "Node ID '#1'",
                       "extra_info": {"node_id": "1", "class_type": null, "node_title": "My Loader"}},
             "node_errors": {}}
            """);
    }

    [Fact]
    public void A_node_without_class_type_or_title_is_named_by_its_id()
    {
        var error = _harness.Validate("""{"57:12": {"inputs": {}}}""").Error.ShouldNotBeNull();

        error.Message.ShouldBe("Node 'ID #57:12' has no class_type. The workflow may be corrupted or a custom node is missing.");
        error.ExtraInfo.ShouldBeJson("""{"node_id": "57:12", "class_type": null, "node_title": null}""");
    }

    [Fact]
    public void A_node_entry_that_is_not_an_object_counts_as_missing_its_class_type()
    {
        var error = _harness.Validate("""{"1": "PreviewAny"}""").Error.ShouldNotBeNull();

        error.Type.ShouldBe("missing_node_type");
        error.Details.ShouldBe("Node ID '#1'");
    }

    [Fact]
    public void An_unknown_class_is_missing_node_type_with_its_class_as_title()
    {
        var result = _harness.Validate("""{"7": {"class_type": "KSampler", "inputs": {}}}""");

        result.ToErrorResponse().ShouldBeJson("""
            {"error": {"type": "missing_node_type",
                       "message": "Node 'KSampler' not found. The custom node may not be installed.",
                       "details": "Node ID '#7'",
                       "extra_info": {"node_id": "7", "class_type": "KSampler", "node_title": "KSampler"}},
             "node_errors": {}}
            """);
    }

    [Fact]
    public void An_unknown_class_uses_its_title_when_it_has_one()
    {
        var error = _harness.Validate("""{"7": {"class_type": "KSampler", "inputs": {}, "_meta": {"title": "Sampler"}}}""").Error.ShouldNotBeNull();

        error.Message.ShouldBe("Node 'Sampler' not found. The custom node may not be installed.");
        error.ExtraInfo.ShouldBeJson("""{"node_id": "7", "class_type": "KSampler", "node_title": "Sampler"}""");
    }

    [Fact]
    public void A_prompt_without_output_nodes_is_refused()
    {
        var result = _harness.Validate("""{"1": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}}""");

        result.ToErrorResponse().ShouldBeJson("""
            {"error": {"type": "prompt_no_outputs", "message": "Prompt has no outputs", "details": "", "extra_info": {}},
             "node_errors": {}}
            """);
    }

    [Fact]
    public void Partial_execution_targets_choose_the_outputs()
    {
        const string prompt = """
            {"1": {"class_type": "PrimitiveString", "inputs": {"value": "a"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
             "3": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """;

        _harness.Validate(prompt).Outputs.ShouldBe(["2", "3"]);
        _harness.Validate(prompt, ["3", "1"]).Outputs.ShouldBe(["3"]);
        _harness.Validate(prompt, []).Error.ShouldNotBeNull().Type.ShouldBe("prompt_no_outputs");
    }

    [Fact]
    public void Malformed_json_or_a_non_object_is_an_invalid_prompt_not_an_exception()
    {
        _harness.Validate("{\"1\": ").Error.ShouldNotBeNull().Type.ShouldBe("invalid_prompt");
        var error = _harness.Validate("[1, 2]").Error.ShouldNotBeNull();
        error.Type.ShouldBe("invalid_prompt");
        error.Details.ShouldBe("Got list");
    }

    [Fact]
    public void Nodes_that_no_output_reaches_are_neither_validated_nor_coerced()
    {
        var result = _harness.Validate("""
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": "not a number"}},
             "2": {"class_type": "PrimitiveString", "inputs": {"value": 5}},
             "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}
            """);

        result.IsValid.ShouldBeTrue();
        result.NodeErrors.ShouldBeEmpty();
        result.Prompt.ShouldNotBeNull().Json.ShouldBeJson("""
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": "not a number"}},
             "2": {"class_type": "PrimitiveString", "inputs": {"value": "5"}},
             "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}
            """);
    }

    [Fact]
    public void Undeclared_inputs_and_meta_are_kept_and_ignored()
    {
        var result = _harness.Validate("""
            {"1": {"class_type": "PreviewAny", "inputs": {"source": "x", "extra": [1, 2, 3]}, "_meta": {"title": "T"}, "is_changed": ["abc"]}}
            """);

        result.IsValid.ShouldBeTrue();
        result.Prompt.ShouldNotBeNull().Json.ShouldBeJson("""
            {"1": {"class_type": "PreviewAny", "inputs": {"source": "x", "extra": [1, 2, 3]}, "_meta": {"title": "T"}, "is_changed": ["abc"]}}
            """);
    }
}
