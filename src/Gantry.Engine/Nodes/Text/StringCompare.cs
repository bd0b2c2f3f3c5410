
namespace Gantry.Engine.Nodes.Text;

/// <summary>ComfyUI's StringCompare ("Compare"): startswith, endswith or ==, on lower() of both sides when not case sensitive. Any other mode returns nothing (None), as ComfyUI's does.</summary>
public sealed class StringCompare : ComfyNode
{
    protected override NodeSchema Define() => new("StringCompare")
    {
        DisplayName = "Compare",
        Category = "utils/string",
        PythonModule = "comfy_extras.nodes_string",
        Inputs =
        {
            Input.String("string_a", multiline: true),
            Input.String("string_b", multiline: true),
            Input.Combo("mode", ["Starts With", "Ends With", "Equal"]),
            Input.Boolean("case_sensitive", @default: true),
        },
        Outputs = { Output.Of("BOOLEAN") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var a = inputs.Get<string>("string_a");
        var b = inputs.Get<string>("string_b");
        if (!inputs.Get<bool>("case_sensitive"))
        {
            (a, b) = (PyText.Lower(a), PyText.Lower(b));
        }

        return NodeOutput.Of(inputs.Get<string>("mode") switch
        {
            "Equal" => (bool?)string.Equals(a, b, StringComparison.Ordinal),
            "Starts With" => a.StartsWith(b, StringComparison.Ordinal),
            "Ends With" => a.EndsWith(b, StringComparison.Ordinal),
            _ => null,
        });
    }
}
