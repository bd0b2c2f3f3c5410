using Gantry.Engine.Tests.Nodes.Support;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>Broken graphs over the node pack are refused with ComfyUI's validation errors, never a crash.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public void An_unknown_class_type_is_a_missing_node_type()
    {
        var result = _runner.Validate("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "2": {"class_type": "UpscaleWithMagic", "inputs": {"image": ["1", 0]}},
             "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "x"}}}
            """);

        var error = result.Error.ShouldNotBeNull();
        error.Type.ShouldBe("missing_node_type");
        error.ToJson()["extra_info"].ShouldBeOfType<JObject>()["class_type"].ShouldBe(new JString("UpscaleWithMagic"));
    }

    [Fact]
    public void A_link_to_an_output_slot_that_does_not_exist_fails_the_output()
    {
        var result = _runner.Validate("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 3], "filename_prefix": "x"}}}
            """);

        result.Error.ShouldNotBeNull().Type.ShouldBe("prompt_outputs_failed_validation");
        var error = result.NodeErrors.ShouldHaveSingleItem().Value.Errors.ShouldHaveSingleItem();
        error.Type.ShouldBe("exception_during_validation");
        error.Details.ShouldBe("tuple index out of range");
    }

    [Fact]
    public void A_cycle_is_a_dependency_cycle()
    {
        var result = _runner.Validate("""
            {"1": {"class_type": "ImageInvert", "inputs": {"image": ["2", 0]}},
             "2": {"class_type": "ImageFlip", "inputs": {"image": ["1", 0], "flip_method": "x-axis: vertically"}},
             "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "x"}}}
            """);

        result.IsValid.ShouldBeFalse();
        result.NodeErrors.SelectMany(e => e.Value.Errors).ShouldContain(e => e.Type == "dependency_cycle");
    }

    [Fact]
    public void A_mask_linked_into_an_image_input_is_a_return_type_mismatch()
    {
        var result = _runner.Validate("""
            {"1": {"class_type": "SolidMask", "inputs": {"value": 1.0, "width": 8, "height": 8}},
             "2": {"class_type": "ImageBlur", "inputs": {"image": ["1", 0], "blur_radius": 1, "sigma": 1.0}},
             "3": {"class_type": "PreviewImage", "inputs": {"images": ["2", 0]}}}
            """);

        result.NodeErrorsJson()["2"].ShouldBeOfType<JObject>()["errors"].ShouldNotBeNull().ShouldBeJson("""
            [{"type": "return_type_mismatch", "message": "Return type mismatch between linked nodes",
              "details": "image, received_type(MASK) mismatch input_type(IMAGE)",
              "extra_info": {"input_name": "image", "input_config": ["IMAGE", {}], "received_type": "MASK", "linked_node": ["1", 0]}}]
            """);
    }

    [Fact]
    public void Values_outside_the_widget_limits_are_refused_with_the_declared_config()
    {
        var result = _runner.Validate("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 20000, "height": 0, "batch_size": 1, "color": 0}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """);

        result.NodeErrorsJson()["1"].ShouldBeOfType<JObject>()["errors"].ShouldNotBeNull().ShouldBeJson("""
            [{"type": "value_bigger_than_max", "message": "Value 20000 bigger than max of 16384", "details": "width",
              "extra_info": {"input_name": "width", "input_config": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}], "received_value": 20000}},
             {"type": "value_smaller_than_min", "message": "Value 0 smaller than min of 1", "details": "height",
              "extra_info": {"input_name": "height", "input_config": ["INT", {"default": 512, "min": 1, "max": 16384, "step": 1}], "received_value": 0}}]
            """);
    }

    [Fact]
    public void An_option_outside_a_v1_combo_is_not_in_list_with_the_combo_and_empty_options_as_config()
    {
        var result = _runner.Validate("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "magic", "width": 4, "height": 4, "crop": "disabled"}},
             "3": {"class_type": "PreviewImage", "inputs": {"images": ["2", 0]}}}
            """);

        result.NodeErrorsJson()["2"].ShouldBeOfType<JObject>()["errors"].ShouldNotBeNull().ShouldBeJson("""
            [{"type": "value_not_in_list", "message": "Value not in list",
              "details": "upscale_method: 'magic' not in ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']",
              "extra_info": {"input_name": "upscale_method", "input_config": [["nearest-exact", "bilinear", "area", "bicubic", "lanczos"], {}], "received_value": "magic"}}]
            """);
    }

    [Fact]
    public void A_missing_required_input_is_reported_by_name()
    {
        var result = _runner.Validate("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """);

        result.NodeErrors.ShouldHaveSingleItem().Value.Errors.ShouldHaveSingleItem().Details.ShouldBe("color");
    }
}
