using System.Numerics;
using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Nodes.Logic;

/// <summary>
/// ComfyUI's ComfyNotNode ("Not", comfy_extras.nodes_logic; newer than the 0.3.64 of the fidelity tier): true when the
/// value is falsy by Python's rules. None, False, a zero number, an empty string, list or dict are falsy; a NaN is
/// truthy; a one-sample image or mask is its sample's truth; a larger tensor is ambiguous, a RuntimeError as in PyTorch;
/// anything else is truthy.
/// </summary>
public sealed class ComfyNotNode : ComfyNode
{
    protected override NodeSchema Define() => new("ComfyNotNode")
    {
        DisplayName = "Not",
        Category = "utilities/logic",
        Description = "Logical NOT operation. Returns true if the value is falsy. Uses Python's rules for truthiness.",
        PythonModule = "comfy_extras.nodes_logic",
        SearchAliases = { "invert", "toggle", "negate", "flip boolean" },
        Inputs = { Input.Of("value", "*") },
        Outputs = { Output.Of("BOOLEAN") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(!IsTruthy(inputs["value"]));

    /// <summary>Python's <c>bool(value)</c> for the values an engine input can carry.</summary>
    internal static bool IsTruthy(object? value) => value switch
    {
        null or JNull => false,
        bool b => b,
        long l => l != 0,
        int i => i != 0,
        BigInteger big => !big.IsZero,
        double d => d != 0.0,
        float f => f != 0f,
        string s => s.Length > 0,
        JArray array => array.Count > 0,
        JObject obj => obj.Count > 0,
        JBool b => b.Value,
        JInt i => !i.Value.IsZero,
        JFloat f => f.Value != 0.0,
        JString s => s.Value.Length > 0,
        ImageTensor image => SingleSample(image.Span, image.Length),
        MaskTensor mask => SingleSample(mask.Span, mask.Length),
        _ => true,
    };

    private static bool SingleSample(ReadOnlySpan<float> samples, int length) => length == 1
        ? samples[0] != 0f
        : throw NodeException.RuntimeError("Boolean value of Tensor with more than one value is ambiguous");
}
