using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>
/// One ComfyUI validation error: <c>{"type", "message", "details", "extra_info"}</c>. Used both for the
/// top-level <c>error</c> of a 400 body and for entries of <c>node_errors[id].errors</c>.
/// </summary>
public sealed record PromptError(string Type, string Message, string Details, JObject ExtraInfo)
{
    public JObject ToJson() => new JObjectBuilder
    {
        ["type"] = Type,
        ["message"] = Message,
        ["details"] = Details,
        ["extra_info"] = ExtraInfo,
    }.Build();
}

/// <summary>
/// A <c>node_errors</c> entry: the node's errors, the output nodes that depend on it, and its class.
/// </summary>
public sealed record NodeErrorEntry(IReadOnlyList<PromptError> Errors, IReadOnlyList<string> DependentOutputs, string ClassType)
{
    public JObject ToJson() => new JObjectBuilder
    {
        ["errors"] = new JArray(Errors.Select(e => (JValue)e.ToJson())),
        ["dependent_outputs"] = JArray.OfStrings(DependentOutputs),
        ["class_type"] = ClassType,
    }.Build();
}
