using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The prompt ids of a worker's <c>GET /queue</c>: items are positional arrays
/// <c>[number, prompt_id, prompt, extra_data, outputs]</c>, so the id is at index 1.
/// </summary>
internal sealed record ComfyUiQueue(IReadOnlySet<string> Running, IReadOnlySet<string> Pending)
{
    public static ComfyUiQueue Parse(JValue queue)
    {
        var body = queue as JObject;
        return new ComfyUiQueue(Ids(ComfyJson.Array(body, "queue_running")), Ids(ComfyJson.Array(body, "queue_pending")));
    }

    public WorkerJobPresence Find(Guid promptId)
    {
        var id = ComfyUiClient.PromptId(promptId);
        return Running.Contains(id) ? WorkerJobPresence.Running
            : Pending.Contains(id) ? WorkerJobPresence.Pending
            : WorkerJobPresence.Unknown;
    }

    private static HashSet<string> Ids(JArray? items)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items ?? JArray.Empty)
        {
            if (item is JArray { Count: > 1 } tuple && tuple[1] is JString id)
            {
                ids.Add(id.Value);
            }
        }

        return ids;
    }
}
