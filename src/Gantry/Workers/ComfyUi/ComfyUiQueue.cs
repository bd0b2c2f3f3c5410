using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The prompts of a worker's <c>GET /queue</c>, by id, with the client id each was posted with. Items are
/// positional arrays <c>[number, prompt_id, prompt, extra_data, outputs]</c>: the id is at index 1, the client id
/// in <c>extra_data.client_id</c>.
/// </summary>
internal sealed record ComfyUiQueue(IReadOnlyDictionary<string, string?> Running, IReadOnlyDictionary<string, string?> Pending)
{
    public static ComfyUiQueue Parse(JValue queue)
    {
        var body = queue as JObject;
        return new ComfyUiQueue(Items(ComfyJson.Array(body, "queue_running")), Items(ComfyJson.Array(body, "queue_pending")));
    }

    public WorkerJobPresence Find(Guid promptId)
    {
        var id = ComfyUiClient.PromptId(promptId);
        return Running.ContainsKey(id) ? WorkerJobPresence.Running
            : Pending.ContainsKey(id) ? WorkerJobPresence.Pending
            : WorkerJobPresence.Unknown;
    }

    /// <summary>The client id a queued prompt was posted with (whose socket gets its events), or null.</summary>
    public string? ClientIdOf(Guid promptId)
    {
        var id = ComfyUiClient.PromptId(promptId);
        return Running.GetValueOrDefault(id) ?? Pending.GetValueOrDefault(id);
    }

    private static Dictionary<string, string?> Items(JArray? items)
    {
        var ids = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items ?? JArray.Empty)
        {
            if (item is JArray { Count: > 1 } tuple && tuple[1] is JString id)
            {
                ids[id.Value] = tuple.Count > 3 ? ComfyJson.String(tuple[3] as JObject, "client_id") : null;
            }
        }

        return ids;
    }
}
