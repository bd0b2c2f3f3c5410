namespace Gantry.Engine.Nodes.Primitive;

/// <summary>ComfyUI's PrimitiveStringMultiline ("String (Multiline)"): passes its text area on.</summary>
public sealed class PrimitiveStringMultiline : ComfyNode
{
    protected override NodeSchema Define() => new("PrimitiveStringMultiline")
    {
        DisplayName = "String (Multiline)",
        Category = "utils/primitive",
        PythonModule = "comfy_extras.nodes_primitive",
        Inputs = { Input.String("value", multiline: true) },
        Outputs = { Output.Of("STRING") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(inputs.Get<string>("value"));
}
