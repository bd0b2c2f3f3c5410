using Gantry.Engine.Catalog;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Catalog;

public sealed class ObjectInfoTests : IDisposable
{
    private readonly EngineHarness _harness = new();
    private readonly JObject _objectInfo;

    public ObjectInfoTests() => _objectInfo = NodeCatalog.CreateDefault().ToObjectInfo(_harness.Folders);

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void The_product_catalog_has_the_primitive_and_text_nodes_and_no_test_nodes()
    {
        var classes = _objectInfo.Keys.ToList();

        classes.ShouldContain("PrimitiveInt");
        classes.ShouldContain("PrimitiveFloat");
        classes.ShouldContain("PrimitiveString");
        classes.ShouldContain("PrimitiveStringMultiline");
        classes.ShouldContain("PrimitiveBoolean");
        classes.ShouldContain("StringConcatenate");
        classes.ShouldContain("PreviewAny");
        classes.ShouldNotContain(c => c.StartsWith("Test", StringComparison.Ordinal));
    }

    [Fact]
    public void PrimitiveInt_has_comfyuis_whole_node_info()
    {
        _objectInfo["PrimitiveInt"].ShouldNotBeNull().ShouldBeJson("""
            {"input": {"required": {"value": ["INT", {"min": -9223372036854775807, "max": 9223372036854775807, "control_after_generate": true}]}},
             "input_order": {"required": ["value"]},
             "is_input_list": false,
             "output": ["INT"], "output_is_list": [false], "output_name": ["INT"], "output_tooltips": [null],
             "name": "PrimitiveInt", "display_name": "Int", "description": "",
             "python_module": "comfy_extras.nodes_primitive", "category": "utils/primitive",
             "output_node": false, "has_intermediate_output": false, "api_node": false, "search_aliases": []}
            """);
    }

    [Theory]
    [InlineData("PrimitiveFloat", "Float", """["FLOAT", {"min": -9223372036854775807, "max": 9223372036854775807, "step": 0.1}]""", "FLOAT")]
    [InlineData("PrimitiveString", "String", """["STRING", {"multiline": false}]""", "STRING")]
    [InlineData("PrimitiveStringMultiline", "String (Multiline)", """["STRING", {"multiline": true}]""", "STRING")]
    [InlineData("PrimitiveBoolean", "Boolean", """["BOOLEAN", {}]""", "BOOLEAN")]
    public void Primitives_declare_one_value_widget(string classType, string displayName, string valueSpec, string output)
    {
        var info = _objectInfo[classType].ShouldBeOfType<JObject>();

        info["display_name"].ShouldBe(new JString(displayName));
        info["category"].ShouldBe(new JString("utils/primitive"));
        info["input"].ShouldNotBeNull().ShouldBeJson("""{"required": {"value": SPEC}}""".Replace("SPEC", valueSpec, StringComparison.Ordinal));
        info["output"].ShouldNotBeNull().ShouldBeJson($"[\"{output}\"]");
        info["output_node"].ShouldBe(JBool.False);
    }

    [Fact]
    public void StringConcatenate_and_PreviewAny_match_comfyui()
    {
        var concat = _objectInfo["StringConcatenate"].ShouldBeOfType<JObject>();
        concat["input"].ShouldNotBeNull().ShouldBeJson("""
            {"required": {"string_a": ["STRING", {"multiline": true}],
                          "string_b": ["STRING", {"multiline": true}],
                          "delimiter": ["STRING", {"default": "", "multiline": false}]}}
            """);
        concat["input_order"].ShouldNotBeNull().ShouldBeJson("""{"required": ["string_a", "string_b", "delimiter"]}""");
        concat["display_name"].ShouldBe(new JString("Concatenate"));
        concat["category"].ShouldBe(new JString("utils/string"));
        concat["search_aliases"].ShouldBeOfType<JArray>().Count.ShouldBe(9);

        var preview = _objectInfo["PreviewAny"].ShouldBeOfType<JObject>();
        preview["input"].ShouldNotBeNull().ShouldBeJson("""{"required": {"source": ["*", {}]}}""");
        preview["output"].ShouldNotBeNull().ShouldBeJson("""["STRING"]""");
        preview["output_node"].ShouldBe(JBool.True);
        preview["category"].ShouldBe(new JString("utilities"));
        preview["python_module"].ShouldBe(new JString("comfy_extras.nodes_preview_any"));
    }

    [Fact]
    public void Hidden_and_optional_inputs_get_their_sections()
    {
        var info = _harness.Catalog.Describe("TestImageSink", _harness.Folders).ShouldNotBeNull().ToJson();

        info["input"].ShouldNotBeNull().ShouldBeJson("""
            {"required": {"images": ["IMAGE", {}]},
             "optional": {"mask": ["MASK,IMAGE", {}]},
             "hidden": {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO", "unique_id": "UNIQUE_ID"}}
            """);
        info["input_order"].ShouldNotBeNull().ShouldBeJson("""
            {"required": ["images"], "optional": ["mask"], "hidden": ["prompt", "extra_pnginfo", "unique_id"]}
            """);
        info["output"].ShouldBe(JArray.Empty);
    }

    [Fact]
    public void File_combos_list_the_input_folder_when_described()
    {
        _harness.WriteInputFile("b.png", "b");
        _harness.WriteInputFile("a.png", "a");
        Spec().ShouldBeJson("""[["a.png", "b.png"], {}]""");

        _harness.WriteInputFile("c.png", "c");
        Spec().ShouldBeJson("""[["a.png", "b.png", "c.png"], {}]""");

        JValue Spec() => _harness.Catalog.Describe("TestFileCheck", _harness.Folders).ShouldNotBeNull().ToJson()["input"]!
            .ShouldBeOfType<JObject>()["required"]!.ShouldBeOfType<JObject>()["file"]!;
    }

    [Fact]
    public void Object_info_round_trips_through_node_info_data()
    {
        var set = NodeInfoSet.FromObjectInfo(_objectInfo);

        set.ToObjectInfo().ToJsonString().ShouldBe(_objectInfo.ToJsonString());
        var info = set.Find("PrimitiveInt").ShouldNotBeNull();
        info.OutputNode.ShouldBeFalse();
        info.Inputs.ShouldHaveSingleItem().Options["max"].ShouldBe(new JInt(long.MaxValue));
        set.Find("PreviewAny").ShouldNotBeNull().OutputNode.ShouldBeTrue();
    }

    [Fact]
    public void Merged_catalogs_keep_the_first_info_of_a_class()
    {
        var first = NodeInfoSet.FromObjectInfo(JParser.Parse("""{"A": {"display_name": "first", "output_node": true}}"""));
        var second = NodeInfoSet.FromObjectInfo(JParser.Parse("""{"A": {"display_name": "second"}, "B": {}}"""));

        var merged = NodeInfoSet.Merge(first, second);

        merged.Select(i => i.Name).ShouldBe(["A", "B"]);
        merged.Find("A").ShouldNotBeNull().DisplayName.ShouldBe("first");
    }
}
