
namespace Gantry.Engine.Nodes.Text;

/// <summary>ComfyUI's StringTrim ("Trim"): Python's strip(), lstrip() or rstrip() without arguments (Python's whitespace, which includes U+001C–U+001F).</summary>
public sealed class StringTrim : ComfyNode
{
    protected override NodeSchema Define() => new("StringTrim")
    {
        DisplayName = "Trim",
        Category = "utils/string",
        PythonModule = "comfy_extras.nodes_string",
        Inputs = { Input.String("string", multiline: true), Input.Combo("mode", ["Both", "Left", "Right"]) },
        Outputs = { Output.Of("STRING") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var text = inputs.Get<string>("string");
        return NodeOutput.Of(inputs.Get<string>("mode") switch
        {
            "Both" => PyText.Strip(text, left: true, right: true),
            "Left" => PyText.Strip(text, left: true, right: false),
            "Right" => PyText.Strip(text, left: false, right: true),
            _ => text,
        });
    }
}
