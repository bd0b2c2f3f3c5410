
namespace Gantry.Engine.Nodes.Text;

/// <summary>ComfyUI's StringLength ("Length"): Python's <c>len</c>, the number of code points (a surrogate pair is one, a lone surrogate one).</summary>
public sealed class StringLength : ComfyNode
{
    protected override NodeSchema Define() => new("StringLength")
    {
        DisplayName = "Length",
        Category = "utils/string",
        PythonModule = "comfy_extras.nodes_string",
        Inputs = { Input.String("string", multiline: true) },
        Outputs = { Output.Of("INT", name: "length") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.Of((long)PyText.Length(inputs.Get<string>("string")));
}
