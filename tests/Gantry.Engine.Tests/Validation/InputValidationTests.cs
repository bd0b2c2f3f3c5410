using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Validation;

public sealed class InputValidationTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void A_missing_required_input_fails_its_output()
    {
        var result = _harness.Validate("""{"1": {"class_type": "PreviewAny", "inputs": {}}}""");

        result.ToErrorResponse().ShouldBeJson("""
            {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                       "details": "Required input is missing: source", "extra_info": {}},
             "node_errors": {"1": {"errors": [{"type": "required_input_missing", "message": "Required input is missing",
                                               "details": "source", "extra_info": {"input_name": "source"}}],
                                   "dependent_outputs": ["1"], "class_type": "PreviewAny"}}}
            """);
    }

    [Fact]
    public void A_link_that_is_not_two_elements_is_a_bad_linked_input()
    {
        var error = SingleError("""{"1": {"class_type": "PreviewAny", "inputs": {"source": ["2"]}}}""", "1");

        error.ToJson().ShouldBeJson("""
            {"type": "bad_linked_input", "message": "Bad linked input, must be a length-2 list of [node_id, slot_index]",
             "details": "source",
             "extra_info": {"input_name": "source", "input_config": ["*", {}], "received_value": ["2"]}}
            """);
    }

    [Fact]
    public void A_linked_output_of_the_wrong_type_is_a_return_type_mismatch()
    {
        var error = SingleError("""
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": 5}},
             "2": {"class_type": "TestImageSink", "inputs": {"images": ["1", 0]}}}
            """, "2");

        error.ToJson().ShouldBeJson("""
            {"type": "return_type_mismatch", "message": "Return type mismatch between linked nodes",
             "details": "images, received_type(INT) mismatch input_type(IMAGE)",
             "extra_info": {"input_name": "images", "input_config": ["IMAGE", {}], "received_type": "INT", "linked_node": ["1", 0]}}
            """);
    }

    [Theory]
    [InlineData("IMAGE", "IMAGE", true)]
    [InlineData("IMAGE", "MASK,IMAGE", true)]
    [InlineData("STRING,INT", "INT, FLOAT", true)]
    [InlineData("INT", "MASK,IMAGE", false)]
    [InlineData("INT", "*", true)]
    [InlineData("*", "IMAGE", true)]
    [InlineData("COMFY_MATCHTYPE_V3", "IMAGE", true)]
    public void Types_match_when_equal_wildcard_or_their_comma_sets_intersect(string received, string input, bool expected) =>
        Gantry.Engine.Validation.IoTypes.Match(new JString(received), new JString(input)).ShouldBe(expected);

    [Fact]
    public void A_comma_type_input_rejects_a_type_outside_its_set()
    {
        var error = SingleError("""
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": 5}},
             "2": {"class_type": "PrimitiveInt", "inputs": {"value": 6}},
             "3": {"class_type": "TestImageSink", "inputs": {"images": ["1", 0], "mask": ["2", 0]}}}
            """, "3", index: 1);

        error.Details.ShouldBe("mask, received_type(INT) mismatch input_type(MASK,IMAGE)");
    }

    [Fact]
    public void A_literal_that_does_not_convert_is_an_invalid_input_type()
    {
        var error = SingleError("""
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": "abc"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """, "1");

        error.ToJson().ShouldBeJson("""
            {"type": "invalid_input_type", "message": "Failed to convert an input value to a INT value",
             "details": "value, abc, invalid literal for int() with base 10: 'abc'",
             "extra_info": {"input_name": "value",
                            "input_config": ["INT", {"min": -9223372036854775807, "max": 9223372036854775807, "control_after_generate": true}],
                            "received_value": "abc", "exception_message": "invalid literal for int() with base 10: 'abc'"}}
            """);
    }

    [Fact]
    public void Values_below_min_and_above_max_are_reported_with_pythons_numbers()
    {
        var below = SingleError("""
            {"1": {"class_type": "TestCounter", "inputs": {"value": -1}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """, "1");
        below.ToJson().ShouldBeJson("""
            {"type": "value_smaller_than_min", "message": "Value -1 smaller than min of 0", "details": "value",
             "extra_info": {"input_name": "value", "input_config": ["INT", {"default": 0, "min": 0, "max": 1000}], "received_value": -1}}
            """);

        var above = SingleError("""
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": 18446744073709551615}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """, "1");
        above.Type.ShouldBe("value_bigger_than_max");
        above.Message.ShouldBe("Value 18446744073709551615 bigger than max of 9223372036854775807");
        above.ExtraInfo["received_value"].ShouldBe(new JInt(System.Numerics.BigInteger.Parse("18446744073709551615")));
    }

    [Fact]
    public void A_value_outside_a_short_combo_lists_the_options()
    {
        var error = SingleError("""
            {"1": {"class_type": "TestFail", "inputs": {"kind": "nope"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """, "1");

        error.ToJson().ShouldBeJson("""
            {"type": "value_not_in_list", "message": "Value not in list",
             "details": "kind: 'nope' not in ['value', 'missing_file', 'dotnet_invalid_operation', 'parallel_value']",
             "extra_info": {"input_name": "kind",
                            "input_config": [["value", "missing_file", "dotnet_invalid_operation", "parallel_value"], {}],
                            "received_value": "nope"}}
            """);
    }

    [Fact]
    public void A_value_outside_a_long_combo_gives_its_length_and_no_config()
    {
        var error = SingleError("""{"1": {"class_type": "TestCombos", "inputs": {"model": "nope.safetensors", "mode": "fast"}}}""", "1");

        error.Details.ShouldBe("model: 'nope.safetensors' not in (list of length 25)");
        error.ExtraInfo.ShouldBeJson("""{"input_name": "model", "input_config": null, "received_value": "nope.safetensors"}""");
    }

    [Fact]
    public void A_v3_combo_checks_its_options_and_multiselect_checks_each_value()
    {
        var mode = SingleError("""{"1": {"class_type": "TestCombos", "inputs": {"model": "m1.safetensors", "mode": "medium"}}}""", "1");
        mode.Details.ShouldBe("mode: 'medium' not in ['fast', 'slow']");
        mode.ExtraInfo["input_config"].ShouldNotBeNull().ShouldBeJson("""["COMBO", {"default": "fast", "multiselect": false, "options": ["fast", "slow"]}]""");

        var tags = SingleError("""
            {"1": {"class_type": "TestCombos", "inputs": {"model": "m1.safetensors", "mode": "fast", "tags": {"__value__": ["a", "x", "y"]}}}}
            """, "1");
        tags.Details.ShouldBe("tags: 'x', 'y' not in ['a', 'b', 'c']");
        tags.ExtraInfo["received_value"].ShouldNotBeNull().ShouldBeJson("""["a", "x", "y"]""");

        _harness.Validate("""
            {"1": {"class_type": "TestCombos", "inputs": {"model": "m1.safetensors", "mode": "slow", "tags": {"__value__": ["c", "a"]}}}}
            """).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Custom_validation_replaces_the_combo_check_and_reports_its_message()
    {
        _harness.WriteInputFile("listed.txt", "hello");
        Directory.CreateDirectory(Path.Combine(_harness.Folders.Input, "sub"));
        File.WriteAllText(Path.Combine(_harness.Folders.Input, "sub", "nested.txt"), "nested");

        _harness.Validate("""{"1": {"class_type": "TestFileCheck", "inputs": {"file": "sub/nested.txt"}}}""").IsValid.ShouldBeTrue();
        var error = SingleError("""{"1": {"class_type": "TestFileCheck", "inputs": {"file": "missing.png"}}}""", "1");
        error.ToJson().ShouldBeJson("""
            {"type": "custom_validation_failed", "message": "Custom validation failed for node",
             "details": "file - Invalid image file: missing.png", "extra_info": {"input_name": "file"}}
            """);
    }

    [Fact]
    public void A_link_to_a_missing_node_from_an_output_is_an_exception_during_validation()
    {
        var result = _harness.Validate("""{"1": {"class_type": "PreviewAny", "inputs": {"source": ["99", 0]}}}""");

        result.Error.ShouldNotBeNull().Details.ShouldBe("Exception when validating node: '99'");
        var error = result.NodeErrors.ShouldHaveSingleItem().Value.Errors.ShouldHaveSingleItem();
        error.Type.ShouldBe("exception_during_validation");
        error.Message.ShouldBe("Exception when validating node");
        error.Details.ShouldBe("'99'");
        error.ExtraInfo["exception_type"].ShouldBe(new JString("KeyError"));
        error.ExtraInfo["traceback"].ShouldBeOfType<JArray>();
    }

    [Fact]
    public void A_numeric_node_id_or_a_wrong_slot_in_a_link_fails_validation()
    {
        SingleError("""{"1": {"class_type": "PreviewAny", "inputs": {"source": [2, 0]}}, "2": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}}""", "1")
            .Details.ShouldBe("2");

        var slot = SingleError("""
            {"1": {"class_type": "PreviewAny", "inputs": {"source": ["2", 5]}}, "2": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}}
            """, "1");
        slot.Type.ShouldBe("exception_during_validation");
        slot.Details.ShouldBe("tuple index out of range");
        slot.ExtraInfo["exception_type"].ShouldBe(new JString("IndexError"));
    }

    [Fact]
    public void A_bad_link_deeper_in_the_graph_is_an_inner_validation_exception_on_that_node()
    {
        var result = _harness.Validate("""
            {"1": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}},
             "2": {"class_type": "StringConcatenate", "inputs": {"string_a": ["99", 0], "string_b": "b", "delimiter": ""}}}
            """);

        result.Error.ShouldNotBeNull().Details.ShouldBe(string.Empty);
        var entry = result.NodeErrors.ShouldHaveSingleItem();
        entry.Key.ShouldBe("2");
        entry.Value.DependentOutputs.ShouldBe(["1"]);
        entry.Value.ClassType.ShouldBe("StringConcatenate");
        var error = entry.Value.Errors.ShouldHaveSingleItem();
        error.Type.ShouldBe("exception_during_inner_validation");
        error.Message.ShouldBe("Exception when validating inner node");
        error.Details.ShouldBe("'99'");
        error.ExtraInfo["input_name"].ShouldBe(new JString("source"));
        error.ExtraInfo["input_config"].ShouldNotBeNull().ShouldBeJson("""["*", {}]""");
        error.ExtraInfo["exception_message"].ShouldBe(new JString("'99'"));
        error.ExtraInfo["exception_type"].ShouldBe(new JString("KeyError"));
        error.ExtraInfo["linked_node"].ShouldNotBeNull().ShouldBeJson("""["2", 0]""");
    }

    [Fact]
    public void A_static_cycle_is_reported_on_every_node_in_it()
    {
        var result = _harness.Validate("""
            {"1": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}},
             "2": {"class_type": "StringConcatenate", "inputs": {"string_a": ["3", 0], "string_b": "b", "delimiter": ""}},
             "3": {"class_type": "StringConcatenate", "inputs": {"string_a": ["2", 0], "string_b": "c", "delimiter": ""}}}
            """);

        result.IsValid.ShouldBeFalse();
        result.NodeErrorsJson().ShouldBeJson("""
            {"2": {"errors": [{"type": "dependency_cycle", "message": "Dependency cycle detected",
                               "details": "2 (StringConcatenate) -> 3 (StringConcatenate) -> 2 (StringConcatenate)",
                               "extra_info": {"node_id": "2", "cycle_nodes": ["2", "3"]}}],
                   "dependent_outputs": ["1"], "class_type": "StringConcatenate"},
             "3": {"errors": [{"type": "dependency_cycle", "message": "Dependency cycle detected",
                               "details": "2 (StringConcatenate) -> 3 (StringConcatenate) -> 2 (StringConcatenate)",
                               "extra_info": {"node_id": "3", "cycle_nodes": ["2", "3"]}}],
                   "dependent_outputs": ["1"], "class_type": "StringConcatenate"}}
            """);
    }

    [Fact]
    public void A_node_may_have_several_errors_and_the_details_join_them()
    {
        var result = _harness.Validate("""{"1": {"class_type": "TestCombos", "inputs": {"model": "x"}}}""");

        result.NodeErrors.ShouldHaveSingleItem().Value.Errors.Select(e => e.Type).ShouldBe(["value_not_in_list", "required_input_missing"]);
        result.Error.ShouldNotBeNull().Details.ShouldBe("Value not in list: model: 'x' not in (list of length 25)\nRequired input is missing: mode");
    }

    private Gantry.Engine.Validation.PromptError SingleError(string prompt, string nodeId, int index = 0)
    {
        var result = _harness.Validate(prompt);
        result.IsValid.ShouldBeFalse();
        var entry = result.NodeErrors.Single(e => e.Key == nodeId).Value;
        return entry.Errors[index];
    }
}
