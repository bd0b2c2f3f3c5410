using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Where a held job turned out to be on its worker, and what follows from it. Decided from <c>GET /queue</c> first
/// (running or pending, with the client id it was posted under), then <c>GET /history/{id}</c>: ComfyUI moves a prompt
/// from running to history in one step, so a prompt found in neither is really gone.
/// </summary>
internal readonly record struct JobLocation(WorkerJobPresence Presence, JObject? Entry, string? ClientId)
{
    /// <summary>In neither the queue nor the history: the worker restarted or its queue was cleared.</summary>
    public static readonly JobLocation Gone = new(WorkerJobPresence.Unknown, null, null);

    /// <summary>Where the queue has the job; null when it has not (ask the history next).</summary>
    public static JobLocation? InQueue(ComfyUiQueue queue, Guid jobId)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var presence = queue.Find(jobId);
        return presence == WorkerJobPresence.Unknown ? null : new JobLocation(presence, null, queue.ClientIdOf(jobId));
    }

    /// <summary>Finished with this history item, or gone when there is none.</summary>
    public static JobLocation InHistory(JObject? entry) => entry is null ? Gone : new JobLocation(WorkerJobPresence.Finished, entry, null);

    /// <summary>What to do about the job now.</summary>
    public SettleStep Step => Presence switch
    {
        WorkerJobPresence.Running => SettleStep.MarkRunning,
        WorkerJobPresence.Finished => SettleStep.End,
        WorkerJobPresence.Unknown => SettleStep.Lose,
        _ => SettleStep.Wait,
    };

    /// <summary>
    /// Found queued under another client id (adopted after a Gantry restart): its events never reach a socket of
    /// <paramref name="ourClientId"/>, so it must be polled.
    /// </summary>
    public bool PostedElsewhere(string ourClientId) => ClientId is { } postedUnder && postedUnder != ourClientId;

    /// <summary>Found queued under <paramref name="ourClientId"/>: a job adopted at reconcile is watched only then.</summary>
    public bool PostedUnder(string ourClientId) => ClientId == ourClientId;
}

/// <summary>What a look at the worker asks for a held job.</summary>
internal enum SettleStep
{
    /// <summary>Still pending: nothing to do.</summary>
    Wait,

    /// <summary>Running: tell the dispatcher it started (once).</summary>
    MarkRunning,

    /// <summary>Finished: end it from its history item.</summary>
    End,

    /// <summary>Gone: report it lost (or cancelled, if asked).</summary>
    Lose,
}
