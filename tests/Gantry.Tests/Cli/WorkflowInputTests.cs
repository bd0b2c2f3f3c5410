using System.Text.Json.Nodes;
using Gantry.Client;

namespace Gantry.Tests.Cli;

/// <summary>How <c>gantry submit</c> reads workflow files and <c>--set</c> values (and MCP's <c>input_overrides</c>).</summary>
public sealed class WorkflowInputTests
{
    private const string Workflow = """
        {"3": {"class_type": "KSampler", "inputs": {"seed": 1, "cfg": 7.0, "add_noise": true, "model": ["4", 0]}},
         "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat"}}}
        """;

    [Fact]
    public void Text_inputs_take_the_value_as_text_and_others_read_it_as_json()
    {
        var workflow = WorkflowInput.Parse(Workflow, "test");
        WorkflowInput.ApplyAssignments(workflow, ["3.seed=42", "3.cfg=6.5", "3.add_noise=false", "3.model=[\"5\", 1]", "6.text=123", "6.text=a red fox = fast"]);
        var inputs = workflow["3"]!["inputs"]!;
        inputs["seed"]!.GetValue<int>().ShouldBe(42);
        inputs["cfg"]!.GetValue<double>().ShouldBe(6.5);
        inputs["add_noise"]!.GetValue<bool>().ShouldBeFalse();
        inputs["model"]!.ToJsonString().ShouldBe("""["5",1]""");
        workflow["6"]!["inputs"]!["text"]!.GetValue<string>().ShouldBe("a red fox = fast");

        WorkflowInput.ApplyAssignments(workflow, ["6.text=123"]);
        workflow["6"]!["inputs"]!["text"]!.GetValue<string>().ShouldBe("123");
        WorkflowInput.ApplyAssignments(workflow, ["3.seed=\"7\""]);
        workflow["3"]!["inputs"]!["seed"]!.GetValue<string>().ShouldBe("7");
        WorkflowInput.ApplyAssignments(workflow, ["3.seed=not json"]);
        workflow["3"]!["inputs"]!["seed"]!.GetValue<string>().ShouldBe("not json");
    }

    [Theory]
    [InlineData("seed=1", "is not NODE.INPUT=VALUE")]
    [InlineData(".seed=1", "is not NODE.INPUT=VALUE")]
    [InlineData("3.=1", "is not NODE.INPUT=VALUE")]
    [InlineData("9.seed=1", "The workflow has no node '9'; its nodes are 3, 6.")]
    [InlineData("3.steps=20", "Node '3' (KSampler) has no input 'steps'; its inputs are seed, cfg, add_noise, model.")]
    public void Assignments_naming_nothing_are_refused(string assignment, string message)
    {
        var workflow = WorkflowInput.Parse(Workflow, "test");
        Should.Throw<WorkflowInputException>(() => WorkflowInput.ApplyAssignments(workflow, [assignment])).Message.ShouldContain(message);
    }

    [Theory]
    [InlineData("{", "w.json is not valid JSON")]
    [InlineData("[]", "w.json is not an API-format workflow")]
    [InlineData("{}", "w.json is not an API-format workflow")]
    [InlineData("""{"nodes": [], "links": [], "version": 0.4}""", "w.json is a UI-format workflow")]
    [InlineData("""{"1": {"inputs": {}}}""", "w.json: node '1' has no class_type")]
    public void Files_that_are_not_api_format_are_refused(string json, string message)
        => Should.Throw<WorkflowInputException>(() => WorkflowInput.Parse(json, "w.json")).Message.ShouldContain(message);

    [Fact]
    public void A_request_body_is_read_for_its_prompt()
    {
        var workflow = WorkflowInput.Parse($$"""{"prompt": {{Workflow}}, "client_id": "x"}""", "body.json");
        workflow.Select(n => n.Key).ShouldBe(["3", "6"]);

        var overrides = new Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>>
        {
            ["6"] = new() { ["text"] = System.Text.Json.JsonDocument.Parse("\"a dog\"").RootElement },
        };
        WorkflowInput.ApplyOverrides(workflow, overrides);
        workflow["6"]!["inputs"]!["text"]!.GetValue<string>().ShouldBe("a dog");
        JsonNode.DeepEquals(workflow["3"], WorkflowInput.Parse(Workflow, "again")["3"]).ShouldBeTrue();
    }
}
