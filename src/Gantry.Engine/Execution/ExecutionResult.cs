using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>How a run ended.</summary>
public enum ExecutionOutcome
{
    Success,
    Error,
    Interrupted,
}

/// <summary>History <c>meta[node_id]</c>: <c>{node_id, display_node, parent_node, real_node_id}</c>.</summary>
public sealed record NodeMeta(string NodeId, string DisplayNode, string? ParentNode, string RealNodeId)
{
    public JObject ToJson() => new JObjectBuilder
    {
        ["node_id"] = NodeId,
        ["display_node"] = DisplayNode,
        ["parent_node"] = JValue.From(ParentNode),
        ["real_node_id"] = RealNodeId,
    }.Build();
}

/// <summary>
/// A finished run in ComfyUI's history shape: <c>outputs</c>, <c>status {status_str, completed,
/// messages}</c> and <c>meta</c>. The host adds the <c>prompt</c> tuple, stores the entry, and then
/// sends <see cref="CompletionEvent"/> (ComfyUI's worker does the same, in that order).
/// </summary>
public sealed class ExecutionResult
{
    internal ExecutionResult(
        string promptId,
        ExecutionOutcome outcome,
        IReadOnlyList<EngineEvent> messages,
        IReadOnlyList<KeyValuePair<string, JObject>> outputs,
        IReadOnlyList<KeyValuePair<string, NodeMeta>> meta,
        IReadOnlyList<string> executedNodes,
        IReadOnlyList<string> cachedNodes)
    {
        PromptId = promptId;
        Outcome = outcome;
        Messages = messages;
        Outputs = outputs;
        Meta = meta;
        ExecutedNodes = executedNodes;
        CachedNodes = cachedNodes;
    }

    public string PromptId { get; }

    /// <summary>Input signatures the run computed (each node's at most once: the work grows with the graph, not its square).</summary>
    public int SignaturesComputed { get; init; }

    /// <summary>Bytes of IMAGE and MASK tensors the run created (what its memory limit counts).</summary>
    public long TensorBytes { get; init; }

    public ExecutionOutcome Outcome { get; }

    /// <summary>"success" or "error" (an interrupt is an error, as in ComfyUI).</summary>
    public string StatusStr => Outcome == ExecutionOutcome.Success ? "success" : "error";

    public bool Completed => Outcome == ExecutionOutcome.Success;

    /// <summary>
    /// <c>status.messages</c>: execution_start, execution_cached, then one of execution_success,
    /// execution_error or execution_interrupted (each with its ms timestamp).
    /// </summary>
    public IReadOnlyList<EngineEvent> Messages { get; }

    /// <summary>History <c>outputs</c>: node id → UI dict, for nodes that produced UI (cached output nodes included).</summary>
    public IReadOnlyList<KeyValuePair<string, JObject>> Outputs { get; }

    public IReadOnlyList<KeyValuePair<string, NodeMeta>> Meta { get; }

    /// <summary>The nodes that actually ran, in order (ComfyUI's <c>executed</c>).</summary>
    public IReadOnlyList<string> ExecutedNodes { get; }

    /// <summary>The nodes reported in <c>execution_cached</c>.</summary>
    public IReadOnlyList<string> CachedNodes { get; }

    public ExecutionErrorEvent? Error => Messages.OfType<ExecutionErrorEvent>().FirstOrDefault();

    public ExecutionInterruptedEvent? Interruption => Messages.OfType<ExecutionInterruptedEvent>().FirstOrDefault();

    /// <summary>The final <c>executing {node: null, prompt_id}</c>, to send after the history entry is stored.</summary>
    public ExecutingEvent CompletionEvent => new(PromptId, null, null);

    /// <summary>Every file entry (<c>{filename, subfolder, type}</c>) found in the outputs, in order.</summary>
    public IEnumerable<UiFile> Files() =>
        from output in Outputs
        from entry in output.Value
        where entry.Value is JArray
        from item in (JArray)entry.Value
        where item is JObject file && file["filename"] is JString && file["type"] is JString
        let file = (JObject)item
        select new UiFile(file["filename"]!.AsString!, file["subfolder"]?.AsString ?? string.Empty, file["type"]!.AsString!);

    public JObject OutputsJson() => new(Outputs.Select(o => new KeyValuePair<string, JValue>(o.Key, o.Value)));

    public JObject MetaJson() => new(Meta.Select(m => new KeyValuePair<string, JValue>(m.Key, m.Value.ToJson())));

    /// <summary><c>{status_str, completed, messages: [[event, data], ...]}</c>.</summary>
    public JObject StatusJson() => new JObjectBuilder
    {
        ["status_str"] = StatusStr,
        ["completed"] = Completed,
        ["messages"] = new JArray(Messages.Select(m => (JValue)m.ToStatusMessage())),
    }.Build();

    /// <summary>The history entry without <c>prompt</c>: <c>{outputs, status, meta}</c>.</summary>
    public JObject ToHistoryEntry() => new JObjectBuilder
    {
        ["outputs"] = OutputsJson(),
        ["status"] = StatusJson(),
        ["meta"] = MetaJson(),
    }.Build();
}
