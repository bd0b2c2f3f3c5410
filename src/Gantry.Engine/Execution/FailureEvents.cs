using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>
/// <c>execution_error {prompt_id, node_id, node_type, executed, exception_message, exception_type,
/// traceback, current_inputs, current_outputs, timestamp}</c>. <see cref="CurrentInputs"/> is a dict
/// of input name → list of values normally, and an empty list for dependency-cycle errors.
/// </summary>
public sealed record ExecutionErrorEvent(
    string PromptId,
    string NodeId,
    string NodeType,
    IReadOnlyList<string> Executed,
    string ExceptionMessage,
    string ExceptionType,
    IReadOnlyList<string> Traceback,
    JValue CurrentInputs,
    IReadOnlyList<string> CurrentOutputs,
    long Timestamp) : EngineEvent(PromptId)
{
    public override string Type => "execution_error";

    public override JObject ToData() => new JObjectBuilder
    {
        ["prompt_id"] = PromptId,
        ["node_id"] = NodeId,
        ["node_type"] = NodeType,
        ["executed"] = JArray.OfStrings(Executed),
        ["exception_message"] = ExceptionMessage,
        ["exception_type"] = ExceptionType,
        ["traceback"] = JArray.OfStrings(Traceback),
        ["current_inputs"] = CurrentInputs,
        ["current_outputs"] = JArray.OfStrings(CurrentOutputs),
        ["timestamp"] = Timestamp,
    }.Build();
}

/// <summary><c>execution_interrupted {prompt_id, node_id, node_type, executed, timestamp}</c>.</summary>
public sealed record ExecutionInterruptedEvent(
    string PromptId,
    string NodeId,
    string NodeType,
    IReadOnlyList<string> Executed,
    long Timestamp) : EngineEvent(PromptId)
{
    public override string Type => "execution_interrupted";

    public override JObject ToData() => new JObjectBuilder
    {
        ["prompt_id"] = PromptId,
        ["node_id"] = NodeId,
        ["node_type"] = NodeType,
        ["executed"] = JArray.OfStrings(Executed),
        ["timestamp"] = Timestamp,
    }.Build();
}
