using Gantry.Engine.Catalog;
using Gantry.Engine.Json;
using Gantry.Workers;

namespace Gantry.Tests.Workers;

/// <summary>The fleet's catalog: classes from every worker, list inputs united, model folders united.</summary>
public sealed class CatalogUnionTests
{
    [Fact]
    public void Classes_of_every_worker_appear_and_combo_lists_are_united_in_order()
    {
        var a = Catalog("""
            {"CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["sd15.safetensors", "shared.safetensors"], {"tooltip": "a"}]}}, "output": ["MODEL"], "display_name": "Load Checkpoint (a)"},
             "OnlyA": {"input": {"required": {}}}}
            """);
        var b = Catalog("""
            {"CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["shared.safetensors", "sdxl.safetensors"], {"tooltip": "b"}]}}, "output": ["MODEL"], "display_name": "Load Checkpoint (b)"},
             "OnlyB": {"input": {"required": {}}}}
            """);

        var union = CatalogUnion.Nodes([a, b]);
        union.Select(i => i.Name).ShouldBe(["CheckpointLoaderSimple", "OnlyA", "OnlyB"]);
        var loader = union.Find("CheckpointLoaderSimple")!;
        loader.DisplayName.ShouldBe("Load Checkpoint (a)");
        var input = loader.FindInput("ckpt_name")!;
        input.ComboValues.ToJsonString().ShouldBe("""["sd15.safetensors","shared.safetensors","sdxl.safetensors"]""");
        input.Options["tooltip"]!.AsString.ShouldBe("a");
        loader.ToJson()["input"]!.ToJsonString().ShouldContain("sdxl.safetensors");
    }

    [Fact]
    public void New_style_combo_options_are_united_too_and_identical_classes_are_kept_as_they_are()
    {
        var a = Catalog("""{"Lora": {"input": {"optional": {"lora": ["COMBO", {"options": ["a.safetensors"], "multiselect": false}]}}}, "Same": {"input": {"required": {"x": ["INT", {}]}}}}""");
        var b = Catalog("""{"Lora": {"input": {"optional": {"lora": ["COMBO", {"options": ["b.safetensors", "a.safetensors"]}]}}}, "Same": {"input": {"required": {"x": ["INT", {}]}}}}""");

        var union = CatalogUnion.Nodes([a, b]);
        var lora = union.Find("Lora")!.FindInput("lora")!;
        lora.ComboValues.ToJsonString().ShouldBe("""["a.safetensors","b.safetensors"]""");
        lora.Options["multiselect"].ShouldBe(JValue.From(false));
        union.Find("Same").ShouldBeSameAs(a.Find("Same"));
    }

    [Fact]
    public void Model_folders_are_united_without_duplicates()
    {
        var models = CatalogUnion.Models([
            new Dictionary<string, IReadOnlyList<string>> { ["checkpoints"] = ["a.safetensors"], ["loras"] = ["l1.safetensors"] },
            new Dictionary<string, IReadOnlyList<string>> { ["checkpoints"] = ["b.safetensors", "a.safetensors"], ["embeddings"] = ["e.pt"] },
        ]);
        models.Keys.ShouldBe(["checkpoints", "embeddings", "loras"]);
        models["checkpoints"].ShouldBe(["a.safetensors", "b.safetensors"]);
    }

    private static NodeInfoSet Catalog(string objectInfo) => NodeInfoSet.FromObjectInfo(JParser.Parse(objectInfo));
}
