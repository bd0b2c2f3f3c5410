using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Finding out where jobs are after Gantry restarted or the socket was down: <c>GET /queue</c> (running or pending,
/// matched on the prompt id at index 1 of each item), then <c>GET /history/{id}</c>. The queue is read first: ComfyUI
/// moves a prompt from running to history in one step, so a prompt found in neither is really gone.
/// </summary>
public sealed partial class ComfyUiWorker
{
    public async Task<WorkerJobPresence> ReconcileAsync(WorkerJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        _ = Callbacks;
        var added = false;
        var tracked = _jobs.GetOrAdd(job.JobId, _ =>
        {
            added = true;
            return new TrackedJob(job, accepted: true);
        });
        if (tracked.IsEnding)
        {
            return WorkerJobPresence.Finished;
        }

        try
        {
            var (presence, entry) = await LocateAsync(job.JobId, cancellationToken);
            switch (presence)
            {
                case WorkerJobPresence.Running:
                    lock (tracked.Gate)
                    {
                        MarkRunning(tracked, atMs: null);
                    }

                    break;
                case WorkerJobPresence.Finished:
                    RunInBackground(_ => EndFromHistoryAsync(tracked, entry));
                    break;
                case WorkerJobPresence.Unknown:
                    Forget(tracked);
                    break;
            }

            return presence;
        }
        catch (ComfyUiRequestException ex)
        {
            if (added)
            {
                Forget(tracked);
            }

            throw new WorkerUnavailableException($"Worker '{Name}' could not be asked about job {job.JobId}: {ex.Message}", ex);
        }
    }

    /// <summary>After a reconnect, or while the socket is down: settles every held job the worker finished or forgot.</summary>
    private async Task ReconcileHeldJobsAsync(CancellationToken cancellationToken)
    {
        foreach (var job in _jobs.Values.Where(j => j.Accepted && !j.IsEnding).ToList())
        {
            WorkerJobPresence presence;
            JObject? entry;
            try
            {
                (presence, entry) = await LocateAsync(job.Id, cancellationToken);
            }
            catch (ComfyUiRequestException)
            {
                // Away again; the connection loop takes it from here.
                return;
            }

            switch (presence)
            {
                case WorkerJobPresence.Running:
                    lock (job.Gate)
                    {
                        MarkRunning(job, atMs: null);
                    }

                    break;
                case WorkerJobPresence.Finished:
                    RunInBackground(_ => EndFromHistoryAsync(job, entry));
                    break;
                case WorkerJobPresence.Unknown:
                    await LoseAsync(job, $"worker '{Name}' no longer knows the job: it restarted or its queue was cleared");
                    break;
            }
        }
    }

    private async Task<(WorkerJobPresence Presence, JObject? Entry)> LocateAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var queued = (await _client.GetQueueAsync(cancellationToken)).Find(jobId);
        if (queued != WorkerJobPresence.Unknown)
        {
            return (queued, null);
        }

        var entry = await _client.GetHistoryAsync(jobId, cancellationToken);
        return entry is null ? (WorkerJobPresence.Unknown, null) : (WorkerJobPresence.Finished, entry);
    }
}
