namespace Gantry.Engine.Nodes.Text;

/// <summary>ComfyUI's StringConcatenate ("Concatenate"): string_a + delimiter + string_b.</summary>
public sealed class StringConcatenate : ComfyNode
{
    protected override NodeSchema Define() => new("StringConcatenate")
    {
        DisplayName = "Concatenate",
        Category = "utils/string",
        PythonModule = "comfy_extras.nodes_string",
        SearchAliases =
        {
            "text concat", "join text", "merge text", "combine strings", "concat", "concatenate", "append text", "combine text", "string",
        },
        Inputs =
        {
            Input.String("string_a", multiline: true),
            Input.String("string_b", multiline: true),
            Input.String("delimiter", @default: string.Empty, multiline: false),
        },
        Outputs = { Output.Of("STRING") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.Of(inputs.Get<string>("string_a") + inputs.Get<string>("delimiter") + inputs.Get<string>("string_b"));
}
