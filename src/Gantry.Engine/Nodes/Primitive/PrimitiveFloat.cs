using Gantry.Engine.Json;

namespace Gantry.Engine.Nodes.Primitive;

/// <summary>ComfyUI's PrimitiveFloat ("Float"): passes its float widget on (step 0.1, range ±sys.maxsize as integers).</summary>
public sealed class PrimitiveFloat : ComfyNode
{
    protected override NodeSchema Define() => new("PrimitiveFloat")
    {
        DisplayName = "Float",
        Category = "utils/primitive",
        PythonModule = "comfy_extras.nodes_primitive",
        Inputs =
        {
            Input.Float("value").With("min", new JInt(-long.MaxValue)).With("max", new JInt(long.MaxValue)).With("step", 0.1),
        },
        Outputs = { Output.Of("FLOAT") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(inputs.Get<double>("value"));
}
