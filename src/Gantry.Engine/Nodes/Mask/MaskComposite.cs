using Gantry.Engine.Imaging.Masks;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Mask;

/// <summary>
/// ComfyUI's MaskComposite ("Combine Masks"): <c>source</c> placed at (x, y) is combined into <c>destination</c>
/// by multiply, add, subtract or the logical and/or/xor of the rounded values; the result is clamped to 0..1.
/// </summary>
public sealed class MaskComposite : ComfyNode
{
    protected override NodeSchema Define() => new("MaskComposite")
    {
        DisplayName = "Combine Masks",
        Category = "image/mask",
        PythonModule = "comfy_extras.nodes_mask",
        SearchAliases = { "combine masks", "blend masks", "layer masks", "masks composition" },
        Inputs =
        {
            Input.Mask("destination"),
            Input.Mask("source"),
            Input.Int("x", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Int("y", @default: 0, min: 0, max: ComfyLimits.MaxResolution, step: 1),
            Input.Combo("operation", ["multiply", "add", "subtract", "and", "or", "xor"]),
        },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(MaskCompositing.Composite(
        inputs.Get<MaskTensor>("destination"),
        inputs.Get<MaskTensor>("source"),
        inputs.Get<int>("x"),
        inputs.Get<int>("y"),
        MaskCompositing.ParseOperation(inputs.Get<string>("operation"))));
}
