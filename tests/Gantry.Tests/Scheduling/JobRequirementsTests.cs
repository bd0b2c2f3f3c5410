using System.Text;
using Gantry.Domain;
using Gantry.Engine.Catalog;
using Gantry.Engine.Json;
using Gantry.Scheduling;
using Gantry.Workers;

namespace Gantry.Tests.Scheduling;

/// <summary>What a graph needs from a worker, and whether a worker's catalog has it.</summary>
public sealed class JobRequirementsTests
{
    private const string Graph = """
        {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl/base.safetensors"}},
         "5": {"class_type": "LoraLoader", "inputs": {"model": ["4", 0], "lora_name": "detail.SAFETENSORS", "strength": 1.0}},
         "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat.pt in a hat", "clip": ["4", 1]}},
         "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "model.ckpt"}},
         "8": {"class_type": "SaveImage", "inputs": {"filename_prefix": "out"}}}
        """;

    [Fact]
    public void A_graph_needs_its_classes_and_the_model_files_its_inputs_name()
    {
        var requirements = JobRequirements.FromPrompt(Encoding.UTF8.GetBytes(Graph), out _)!;
        requirements.ClassTypes.ShouldBe(["CLIPTextEncode", "CheckpointLoaderSimple", "LoraLoader", "SaveImage"]);
        requirements.Models.ShouldBe([
            new ModelReference("CLIPTextEncode", "text", "model.ckpt"),
            new ModelReference("CheckpointLoaderSimple", "ckpt_name", "sdxl/base.safetensors"),
            new ModelReference("LoraLoader", "lora_name", "detail.SAFETENSORS"),
        ]);
        requirements.AffinityKey.ShouldBe("detail.SAFETENSORS\nmodel.ckpt\nsdxl/base.safetensors");
    }

    [Fact]
    public void Equal_graphs_have_equal_requirements_whatever_their_node_ids_and_order()
    {
        var a = JobRequirements.FromPrompt("""{"1": {"class_type": "B", "inputs": {}}, "2": {"class_type": "A", "inputs": {"m": "x.pt"}}}"""u8, out _)!;
        var b = JobRequirements.FromPrompt("""{"9": {"class_type": "A", "inputs": {"m": "x.pt"}}, "3": {"class_type": "B", "inputs": {}}, "4": {"class_type": "B", "inputs": {}}}"""u8, out _)!;
        var c = JobRequirements.FromPrompt("""{"9": {"class_type": "A", "inputs": {"m": "y.pt"}}, "3": {"class_type": "B", "inputs": {}}}"""u8, out _)!;
        a.ShouldBe(b);
        a.Key.ShouldBe(b.Key);
        a.GetHashCode().ShouldBe(b.GetHashCode());
        a.ShouldNotBe(c);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"1\": {\"class_type\": \"SaveImage\", \"inputs\": {\"filename_prefix\": \"\\ud800x\"}}}")]
    [InlineData("{\"1\": {\"class_type\": \"SaveImage\", \"inputs\": {\"filename_prefix\": \"a\\udc00\"}}}")]
    public void A_graph_that_cannot_be_read_has_no_requirements_and_says_why(string json)
    {
        JobRequirements.FromPrompt(Encoding.UTF8.GetBytes(json), out var error).ShouldBeNull();
        error.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void A_graph_read_as_python_does_has_requirements_and_they_survive_the_store()
    {
        var requirements = JobRequirements.FromPrompt(
            """{"1": {"class_type": "PrimitiveFloat", "inputs": {"value": NaN}}, "2": {"class_type": "L", "inputs": {"m": "a.pt", "m": "b.pt"}}}"""u8,
            out _)!;

        requirements.ClassTypes.ShouldBe(["L", "PrimitiveFloat"]);
        requirements.Models.ShouldBe([new ModelReference("L", "m", "b.pt")]);
        JobRequirements.FromStoredJson(requirements.ToStoredJson()).ShouldBe(requirements);
        JobRequirements.FromStoredJson(JobRequirements.None.ToStoredJson()).ShouldBeSameAs(JobRequirements.None);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{}")]
    [InlineData("""{"1": 5, "2": {"inputs": {}}, "3": {"class_type": 7}}""")]
    public void Unreadable_graphs_need_nothing(string json)
    {
        JobRequirements.FromPrompt(Encoding.UTF8.GetBytes(json), out _).ShouldBeSameAs(JobRequirements.None);
        JobRequirements.None.AffinityKey.ShouldBeNull();
    }

    [Fact]
    public void A_worker_fits_when_it_has_every_class_and_lists_every_model_file()
    {
        var requirements = JobRequirements.FromPrompt(Encoding.UTF8.GetBytes(Graph), out _)!;
        var full = Catalog("""
            {"CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["sdxl/base.safetensors", "other.safetensors"], {}]}}},
             "LoraLoader": {"input": {"required": {"lora_name": ["COMBO", {"options": ["detail.SAFETENSORS"]}], "strength": ["FLOAT", {}]}}},
             "CLIPTextEncode": {"input": {"required": {"text": ["STRING", {"multiline": true}]}}},
             "SaveImage": {"input": {"required": {}}}}
            """);
        WorkerFit.CanRun(full, requirements).ShouldBeTrue();
        WorkerFit.FirstGap(full, requirements).ShouldBeNull();

        var noLora = Catalog("""
            {"CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["sdxl/base.safetensors"], {}]}}},
             "LoraLoader": {"input": {"required": {"lora_name": ["COMBO", {"options": ["other.safetensors"]}]}}},
             "CLIPTextEncode": {"input": {"required": {"text": ["STRING", {}]}}},
             "SaveImage": {"input": {"required": {}}}}
            """);
        WorkerFit.FirstGap(noLora, requirements).ShouldBe("model 'detail.SAFETENSORS' (LoraLoader.lora_name)");

        var noSave = Catalog("""{"CheckpointLoaderSimple": {}, "LoraLoader": {}, "CLIPTextEncode": {}}""");
        WorkerFit.FirstGap(noSave, requirements).ShouldBe("node class 'SaveImage'");
    }

    private static WorkerCapabilities Catalog(string objectInfo)
        => new(NodeInfoSet.FromObjectInfo(JParser.Parse(objectInfo)), WorkerCapabilities.NoModels);
}
