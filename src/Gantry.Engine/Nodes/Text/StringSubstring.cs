using System.Numerics;

namespace Gantry.Engine.Nodes.Text;

/// <summary>ComfyUI's StringSubstring ("Substring"): Python's <c>string[start:end]</c> over code points (negative indices count from the end; out of range clamps).</summary>
public sealed class StringSubstring : ComfyNode
{
    protected override NodeSchema Define() => new("StringSubstring")
    {
        DisplayName = "Substring",
        Category = "utils/string",
        PythonModule = "comfy_extras.nodes_string",
        Inputs = { Input.String("string", multiline: true), Input.Int("start"), Input.Int("end") },
        Outputs = { Output.Of("STRING") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.Of(PyText.Slice(inputs.Get<string>("string"), inputs.Get<BigInteger>("start"), inputs.Get<BigInteger>("end")));
}
