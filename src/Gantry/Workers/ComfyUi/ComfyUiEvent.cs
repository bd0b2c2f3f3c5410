using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// One JSON message from a worker's WebSocket (<c>{"type": …, "data": {…}}</c>), read tolerantly: unknown types
/// are kept, <c>data</c> that is not an object reads as empty, <c>prompt_id</c> may be missing (the reconnect
/// replay of <c>executing</c> has none), NaN and huge integers parse. Anything that is not such a message is
/// rejected by <see cref="TryParse"/>, never thrown.
/// </summary>
internal sealed record ComfyUiEvent(string Type, JObject Data)
{
    private static readonly HashSet<string> RunningTypes =
        ["execution_start", "execution_cached", "executing", "progress", "progress_state", "executed"];

    public string? PromptId => ComfyJson.String(Data, "prompt_id");

    /// <summary><c>executing</c> with <c>node: null</c>: ComfyUI's last word about a prompt, sent after its history is written.</summary>
    public bool IsPromptDone => Type == "executing" && Data.TryGetValue("node", out var node) && node is JNull;

    /// <summary>A message that only comes while its prompt executes (not the final <c>executing {node: null}</c>).</summary>
    public bool MeansRunning => RunningTypes.Contains(Type) && !IsPromptDone;

    /// <summary>The millisecond <c>timestamp</c> the execution events carry.</summary>
    public long? Timestamp => ComfyJson.Int64(Data["timestamp"]);

    public static ComfyUiEvent? TryParse(ReadOnlySpan<byte> frame)
    {
        if (ComfyJson.TryParse(frame) is not JObject message || message["type"] is not JString { Value.Length: > 0 } type)
        {
            return null;
        }

        return new ComfyUiEvent(type.Value, message["data"] as JObject ?? JObject.Empty);
    }

    /// <summary>The message as it goes to the job owner: same type and data, <c>prompt_id</c> filled in, strict JSON.</summary>
    public WorkerMessage ToWorkerMessage(Guid jobId)
    {
        var promptId = ComfyUiClient.PromptId(jobId);
        var data = PromptId == promptId ? Data : Data.With("prompt_id", promptId);
        var frame = new JObject([new("type", Type), new("data", ComfyJson.Strict(data))]);
        return new WorkerMessage { Type = Type, Frame = frame.ToJsonBytes() };
    }

    /// <summary>The final <c>executing {node: null, prompt_id}</c>, for a prompt whose end was learned without the socket.</summary>
    public static ComfyUiEvent PromptDone(Guid jobId)
        => new("executing", new JObject([new("node", JValue.Null), new("prompt_id", ComfyUiClient.PromptId(jobId))]));
}
