namespace Gantry.Engine.Nodes.Primitive;

/// <summary>ComfyUI's PrimitiveString ("String"): passes its single-line text widget on.</summary>
public sealed class PrimitiveString : ComfyNode
{
    protected override NodeSchema Define() => new("PrimitiveString")
    {
        DisplayName = "String",
        Category = "utils/primitive",
        PythonModule = "comfy_extras.nodes_primitive",
        Inputs = { Input.String("value", multiline: false) },
        Outputs = { Output.Of("STRING") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(inputs.Get<string>("value"));
}
