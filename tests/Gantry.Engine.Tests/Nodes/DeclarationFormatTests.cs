using Gantry.Engine.Catalog;
using Gantry.Engine.Tests.Support;
using Gantry.Engine.Validation;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>
/// The two catalog details the node pack needed from the engine core: V1 inputs declared without an options
/// dict (<c>("IMAGE",)</c>) and <c>essentials_category</c>.
/// </summary>
public sealed class DeclarationFormatTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void A_literal_input_without_options_is_a_one_element_declaration_but_errors_show_type_and_options()
    {
        var info = NodeCatalog.Empty.With<BareInputNode>().Describe("TestBareInput", _harness.Folders).ShouldNotBeNull();

        info.ToJson()["input"].ShouldNotBeNull().ShouldBeJson("""
            {"required": {"image": ["IMAGE"], "mode": [["a", "b"]], "count": ["INT", {"default": 1, "advanced": true}]}}
            """);
        var result = PromptValidator.Validate(JParser.Parse("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "2": {"class_type": "TestBareInput", "inputs": {"image": ["1", 0], "mode": "c", "count": 1}}}
            """), NodeCatalog.CreateDefault().With<BareInputNode>().AsSource(_harness.Folders));
        var errors = result.NodeErrors.ShouldHaveSingleItem().Value.Errors;
        // Errors show [type, options] whatever the declaration, as ComfyUI 0.3.64 does (checked by the real-ComfyUI tier).
        errors.Single(e => e.Type == "value_not_in_list").ExtraInfo["input_config"].ShouldNotBeNull().ShouldBeJson("""[["a", "b"], {}]""");
    }

    [Fact]
    public void Setting_an_option_on_a_bare_input_gives_it_an_options_object()
    {
        var input = Input.Literal("image", new JString("IMAGE")).With("tooltip", "t");

        input.HasOptions.ShouldBeTrue();
        input.Options.ShouldBeJson("""{"tooltip": "t"}""");
    }

    [Fact]
    public void Essentials_category_is_shown_when_set_and_read_back_from_a_worker_catalog()
    {
        var info = NodeCatalog.Empty.With<BareInputNode>().Describe("TestBareInput", _harness.Folders).ShouldNotBeNull();
        var json = info.ToJson();

        json["essentials_category"].ShouldBe(new JString("Image Tools"));
        NodeInfo.FromObjectInfo("TestBareInput", json).EssentialsCategory.ShouldBe("Image Tools");
        NodeInfo.FromObjectInfo("Other", JParser.Parse("""{"input": {"required": {}}}""")).EssentialsCategory.ShouldBeNull();
        NodeCatalog.CreateDefault().Describe("PrimitiveInt", _harness.Folders).ShouldNotBeNull().ToJson().ContainsKey("essentials_category").ShouldBeFalse();
    }

    private sealed class BareInputNode : ComfyNode
    {
        protected override NodeSchema Define() => new("TestBareInput")
        {
            EssentialsCategory = "Image Tools",
            IsOutputNode = true,
            Inputs =
            {
                Input.Literal("image", new JString("IMAGE")),
                Input.Literal("mode", JArray.OfStrings(["a", "b"])),
                Input.Literal("count", new JString("INT"), new JObjectBuilder { ["default"] = 1, ["advanced"] = true }.Build()),
            },
            Outputs = { Output.Of("IMAGE") },
        };

        public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(inputs["image"]);
    }
}
