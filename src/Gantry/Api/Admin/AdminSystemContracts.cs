using System.Text.Json.Serialization;

namespace Gantry.Api.Admin;

/// <summary>The answer of <c>GET /api/admin/system</c>.</summary>
public sealed record AdminSystemResponse(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("store")] string Store,
    [property: JsonPropertyName("now")] long NowMs,
    [property: JsonPropertyName("jobs_by_state")] JobStateCounts JobsByState,
    [property: JsonPropertyName("finished_per_minute")] FinishedMinute[] FinishedPerMinute,
    [property: JsonPropertyName("workers")] WorkerUtilisation Workers);

/// <summary>Stored jobs by Gantry's own states.</summary>
public sealed record JobStateCounts(
    [property: JsonPropertyName("queued")] long Queued,
    [property: JsonPropertyName("dispatched")] long Dispatched,
    [property: JsonPropertyName("running")] long Running,
    [property: JsonPropertyName("cancelling")] long Cancelling,
    [property: JsonPropertyName("succeeded")] long Succeeded,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("cancelled")] long Cancelled);

/// <summary>Jobs that ended in the minute starting at <c>start</c> (Unix ms), by how they ended.</summary>
public sealed record FinishedMinute(
    [property: JsonPropertyName("start")] long StartMs,
    [property: JsonPropertyName("succeeded")] long Succeeded,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("cancelled")] long Cancelled);

/// <summary>Slots of the workers that take jobs (online or draining), how many are in use, and their ratio (0 to 1).</summary>
public sealed record WorkerUtilisation(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("online")] int Online,
    [property: JsonPropertyName("slots")] int Slots,
    [property: JsonPropertyName("busy")] int Busy,
    [property: JsonPropertyName("utilisation")] double Utilisation);
