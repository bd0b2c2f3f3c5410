using Gantry.Engine.Catalog;
using Gantry.Engine.Tests.Support;
using Gantry.Engine.Validation;

namespace Gantry.Engine.Tests.Validation;

/// <summary>Validation against /object_info data of ComfyUI workers whose nodes the engine does not implement.</summary>
public sealed class ExternalCatalogTests
{
    private static readonly NodeInfoSet Worker = NodeInfoSet.FromObjectInfo(JParser.Parse("""
        {"CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["sd15.safetensors"], {"tooltip": "The checkpoint."}]}},
                                    "output": ["MODEL", "CLIP", "VAE"], "output_name": ["MODEL", "CLIP", "VAE"], "output_node": false},
         "KSampler": {"input": {"required": {"model": ["MODEL"],
                                             "seed": ["INT", {"default": 0, "min": 0, "max": 18446744073709551615, "control_after_generate": true}],
                                             "sampler_name": [["euler", "dpmpp_2m"], {}]}},
                      "output": ["LATENT"], "output_node": false},
         "LoadImage": {"input": {"required": {"image": [["a.png"], {"image_upload": true}]},
                                 "hidden": {"unique_id": "UNIQUE_ID"}},
                       "output": ["IMAGE", "MASK"], "output_node": false},
         "SaveImage": {"input": {"required": {"images": ["IMAGE"], "filename_prefix": ["STRING", {"default": "ComfyUI"}]},
                                 "hidden": {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}},
                       "output": [], "output_node": true},
         "LatentSink": {"input": {"required": {"latent": ["LATENT"]}}, "output": [], "output_node": true}}
        """));

    [Fact]
    public void A_graph_of_worker_nodes_validates_and_is_coerced()
    {
        var result = PromptValidator.Validate(JParser.Parse("""
            {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}},
             "3": {"class_type": "KSampler", "inputs": {"model": ["4", 0], "seed": "18446744073709551615", "sampler_name": "euler"}},
             "9": {"class_type": "LatentSink", "inputs": {"latent": ["3", 0]}}}
            """), Worker);

        result.IsValid.ShouldBeTrue();
        result.Outputs.ShouldBe(["9"]);
        result.Prompt.ShouldNotBeNull().Find("3").ShouldNotBeNull().Inputs.ShouldNotBeNull()["seed"]
            .ShouldBe(new JInt(System.Numerics.BigInteger.Parse("18446744073709551615")));
    }

    [Fact]
    public void A_model_the_worker_does_not_list_is_not_in_list()
    {
        var result = PromptValidator.Validate(JParser.Parse("""
            {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "missing.safetensors"}},
             "3": {"class_type": "KSampler", "inputs": {"model": ["4", 0], "seed": 1, "sampler_name": "euler"}},
             "9": {"class_type": "LatentSink", "inputs": {"latent": ["3", 0]}}}
            """), Worker);

        result.ToErrorResponse().ShouldBeJson("""
            {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
             "node_errors": {"4": {"errors": [{"type": "value_not_in_list", "message": "Value not in list",
                                               "details": "ckpt_name: 'missing.safetensors' not in ['sd15.safetensors']",
                                               "extra_info": {"input_name": "ckpt_name",
                                                              "input_config": [["sd15.safetensors"], {"tooltip": "The checkpoint."}],
                                                              "received_value": "missing.safetensors"}}],
                                   "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"}}}
            """);
    }

    [Fact]
    public void Upload_inputs_are_left_to_the_worker_instead_of_checked_against_its_list()
    {
        var result = PromptValidator.Validate(JParser.Parse("""
            {"1": {"class_type": "LoadImage", "inputs": {"image": "just-uploaded.png"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "out"}}}
            """), Worker);

        result.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Linking_a_mask_into_images_is_a_return_type_mismatch()
    {
        var result = PromptValidator.Validate(JParser.Parse("""
            {"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 1], "filename_prefix": "out"}}}
            """), Worker);

        var error = result.NodeErrors.ShouldHaveSingleItem().Value.Errors.ShouldHaveSingleItem();
        error.Details.ShouldBe("images, received_type(MASK) mismatch input_type(IMAGE)");
        // The worker declared ("IMAGE",): ComfyUI reports that one-element tuple as it is.
        error.ExtraInfo["input_config"].ShouldNotBeNull().ShouldBeJson("""["IMAGE", {}]""");
    }
}
