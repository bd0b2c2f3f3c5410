
namespace Gantry.Engine.Nodes.Text;

/// <summary>ComfyUI's CaseConverter: Python's upper(), lower(), capitalize() or title() with their full Unicode mappings ("ß" → "SS").</summary>
public sealed class CaseConverter : ComfyNode
{
    protected override NodeSchema Define() => new("CaseConverter")
    {
        DisplayName = "Case Converter",
        Category = "utils/string",
        PythonModule = "comfy_extras.nodes_string",
        Inputs =
        {
            Input.String("string", multiline: true),
            Input.Combo("mode", ["UPPERCASE", "lowercase", "Capitalize", "Title Case"]),
        },
        Outputs = { Output.Of("STRING") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var text = inputs.Get<string>("string");
        return NodeOutput.Of(inputs.Get<string>("mode") switch
        {
            "UPPERCASE" => PyText.Upper(text),
            "lowercase" => PyText.Lower(text),
            "Capitalize" => PyText.Capitalize(text),
            "Title Case" => PyText.Title(text),
            _ => text,
        });
    }
}
