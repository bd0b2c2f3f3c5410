namespace Gantry.Engine.Nodes.Primitive;

/// <summary>ComfyUI's PrimitiveBoolean ("Boolean"): passes its toggle on.</summary>
public sealed class PrimitiveBoolean : ComfyNode
{
    protected override NodeSchema Define() => new("PrimitiveBoolean")
    {
        DisplayName = "Boolean",
        Category = "utils/primitive",
        PythonModule = "comfy_extras.nodes_primitive",
        Inputs = { Input.Boolean("value") },
        Outputs = { Output.Of("BOOLEAN") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(inputs.Get<bool>("value"));
}
