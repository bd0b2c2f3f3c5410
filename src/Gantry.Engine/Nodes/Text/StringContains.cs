
namespace Gantry.Engine.Nodes.Text;

/// <summary>ComfyUI's StringContains ("Contains"): Python's <c>in</c>, on lower() of both sides when not case sensitive.</summary>
public sealed class StringContains : ComfyNode
{
    protected override NodeSchema Define() => new("StringContains")
    {
        DisplayName = "Contains",
        Category = "utils/string",
        PythonModule = "comfy_extras.nodes_string",
        Inputs =
        {
            Input.String("string", multiline: true),
            Input.String("substring", multiline: true),
            Input.Boolean("case_sensitive", @default: true),
        },
        Outputs = { Output.Of("BOOLEAN", name: "contains") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var text = inputs.Get<string>("string");
        var substring = inputs.Get<string>("substring");
        if (!inputs.Get<bool>("case_sensitive"))
        {
            (text, substring) = (PyText.Lower(text), PyText.Lower(substring));
        }

        return NodeOutput.Of(text.Contains(substring, StringComparison.Ordinal));
    }
}
