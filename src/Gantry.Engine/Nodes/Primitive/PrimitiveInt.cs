namespace Gantry.Engine.Nodes.Primitive;

/// <summary>ComfyUI's PrimitiveInt ("Int"): passes its integer widget on; the range is Python's ±sys.maxsize.</summary>
public sealed class PrimitiveInt : ComfyNode
{
    protected override NodeSchema Define() => new("PrimitiveInt")
    {
        DisplayName = "Int",
        Category = "utils/primitive",
        PythonModule = "comfy_extras.nodes_primitive",
        Inputs = { Input.Int("value", min: -long.MaxValue, max: long.MaxValue, controlAfterGenerate: true) },
        Outputs = { Output.Of("INT") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(inputs.Get<object>("value"));
}
