using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>
/// Receives a run's events, synchronously and in order, on the thread executing the prompt.
/// Implementations must be quick and must not throw (an exception inside a node's progress report
/// would fail that node). ComfyUI's routing rules (which events go to the prompt's client, which are
/// broadcast) are the host's business; every event carries its prompt id.
/// </summary>
public interface IExecutionEventSink
{
    void Emit(EngineEvent engineEvent);
}

/// <summary>A sink that drops everything.</summary>
public sealed class NullEventSink : IExecutionEventSink
{
    public static NullEventSink Instance { get; } = new();

    public void Emit(EngineEvent engineEvent)
    {
    }
}

/// <summary>
/// An execution event with ComfyUI's WebSocket name (<see cref="Type"/>) and exact payload
/// (<see cref="ToData"/>): the JSON message is <c>{"type": Type, "data": ToData()}</c>.
/// </summary>
public abstract record EngineEvent(string PromptId)
{
    /// <summary>The WebSocket message type, e.g. <c>executing</c>.</summary>
    public abstract string Type { get; }

    /// <summary>The <c>data</c> object, with ComfyUI's keys in ComfyUI's order.</summary>
    public abstract JObject ToData();

    /// <summary>The WebSocket text message <c>{"type": ..., "data": {...}}</c>.</summary>
    public JObject ToMessage() => new JObjectBuilder { ["type"] = Type, ["data"] = ToData() }.Build();

    /// <summary>A history <c>status.messages</c> entry: <c>[type, data]</c>.</summary>
    public JArray ToStatusMessage() => JArray.Of(Type, ToData());
}

/// <summary><c>execution_start {prompt_id, timestamp}</c>.</summary>
public sealed record ExecutionStartEvent(string PromptId, long Timestamp) : EngineEvent(PromptId)
{
    public override string Type => "execution_start";

    public override JObject ToData() => new JObjectBuilder { ["prompt_id"] = PromptId, ["timestamp"] = Timestamp }.Build();
}

/// <summary><c>execution_cached {nodes, prompt_id, timestamp}</c>: the nodes whose results were cached at start.</summary>
public sealed record ExecutionCachedEvent(string PromptId, IReadOnlyList<string> Nodes, long Timestamp) : EngineEvent(PromptId)
{
    public override string Type => "execution_cached";

    public override JObject ToData() => new JObjectBuilder
    {
        ["nodes"] = JArray.OfStrings(Nodes),
        ["prompt_id"] = PromptId,
        ["timestamp"] = Timestamp,
    }.Build();
}

/// <summary>
/// <c>executing {node, display_node, prompt_id}</c> when a node starts; with a null node it is the
/// completion signal <c>{node: null, prompt_id}</c>, which the host sends after storing history
/// (<see cref="ExecutionResult.CompletionEvent"/>).
/// </summary>
public sealed record ExecutingEvent(string PromptId, string? Node, string? DisplayNode) : EngineEvent(PromptId)
{
    public override string Type => "executing";

    public override JObject ToData() => Node is null
        ? new JObjectBuilder { ["node"] = JNull.Instance, ["prompt_id"] = PromptId }.Build()
        : new JObjectBuilder { ["node"] = Node, ["display_node"] = DisplayNode ?? Node, ["prompt_id"] = PromptId }.Build();
}

/// <summary><c>progress {value, max, prompt_id, node}</c>.</summary>
public sealed record ProgressEvent(string PromptId, string Node, long Value, long Max) : EngineEvent(PromptId)
{
    public override string Type => "progress";

    public override JObject ToData() => new JObjectBuilder
    {
        ["value"] = Value,
        ["max"] = Max,
        ["prompt_id"] = PromptId,
        ["node"] = Node,
    }.Build();
}

/// <summary>One node in a <c>progress_state</c> event; value/max are JSON numbers as ComfyUI sends them.</summary>
public sealed record NodeProgressState(string NodeId, JValue Value, JValue Max, string State);

/// <summary><c>progress_state {prompt_id, nodes: {id: {value, max, state, node_id, prompt_id, display_node_id, parent_node_id, real_node_id}}}</c>.</summary>
public sealed record ProgressStateEvent(string PromptId, IReadOnlyList<NodeProgressState> Nodes) : EngineEvent(PromptId)
{
    public override string Type => "progress_state";

    public override JObject ToData() => new JObjectBuilder
    {
        ["prompt_id"] = PromptId,
        ["nodes"] = new JObject(Nodes.Select(n => new KeyValuePair<string, JValue>(n.NodeId, new JObjectBuilder
        {
            ["value"] = n.Value,
            ["max"] = n.Max,
            ["state"] = n.State,
            ["node_id"] = n.NodeId,
            ["prompt_id"] = PromptId,
            ["display_node_id"] = n.NodeId,
            ["parent_node_id"] = JNull.Instance,
            ["real_node_id"] = n.NodeId,
        }.Build()))),
    }.Build();
}

/// <summary>
/// A preview image a node sent with its progress. Binary on the wire: the host frames it as type 1
/// (<c>[format][bytes]</c>) or, for clients that negotiated metadata, type 4 with <see cref="ToData"/>
/// as the metadata JSON.
/// </summary>
public sealed record PreviewImageEvent(string PromptId, string NodeId, PreviewImage Image) : EngineEvent(PromptId)
{
    public override string Type => "preview_image";

    public override JObject ToData() => new JObjectBuilder
    {
        ["node_id"] = NodeId,
        ["prompt_id"] = PromptId,
        ["display_node_id"] = NodeId,
        ["parent_node_id"] = JNull.Instance,
        ["real_node_id"] = NodeId,
        ["image_type"] = Image.MimeType,
    }.Build();
}

/// <summary><c>executed {node, display_node, output, prompt_id}</c>; output is null for a cached node without UI.</summary>
public sealed record ExecutedEvent(string PromptId, string Node, string DisplayNode, JObject? Output) : EngineEvent(PromptId)
{
    public override string Type => "executed";

    public override JObject ToData() => new JObjectBuilder
    {
        ["node"] = Node,
        ["display_node"] = DisplayNode,
        ["output"] = Output ?? (JValue)JNull.Instance,
        ["prompt_id"] = PromptId,
    }.Build();
}

/// <summary><c>execution_success {prompt_id, timestamp}</c>.</summary>
public sealed record ExecutionSuccessEvent(string PromptId, long Timestamp) : EngineEvent(PromptId)
{
    public override string Type => "execution_success";

    public override JObject ToData() => new JObjectBuilder { ["prompt_id"] = PromptId, ["timestamp"] = Timestamp }.Build();
}
