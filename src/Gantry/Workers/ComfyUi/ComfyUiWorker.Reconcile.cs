using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Finding out where jobs are after Gantry restarted or the socket was down: <c>GET /queue</c> (running or pending,
/// matched on the prompt id at index 1 of each item), then <c>GET /history/{id}</c>. The queue is read first: ComfyUI
/// moves a prompt from running to history in one step, so a prompt found in neither is really gone. Jobs whose
/// events do not reach our socket (posted under an earlier client id) are polled the same way.
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

        Located located;
        try
        {
            located = await LocateAsync(job.JobId, cancellationToken);
        }
        catch (ComfyUiRequestException ex)
        {
            if (added)
            {
                Forget(tracked);
            }

            throw new WorkerUnavailableException($"Worker '{Name}' could not be asked about job {job.JobId}: {ex.Message}", ex);
        }

        if (added)
        {
            tracked.Watched = located.ClientId == ClientId;
        }

        if (located.Presence == WorkerJobPresence.Unknown)
        {
            // The dispatcher requeues it; nothing more to report.
            Forget(tracked);
        }
        else
        {
            await SettleAsync(tracked, located);
        }

        return located.Presence;
    }

    /// <summary>After a reconnect, or while the socket is down: settles every held job the worker finished or forgot.</summary>
    private Task ReconcileHeldJobsAsync(CancellationToken cancellationToken)
        => SettleAllAsync(_jobs.Values.Where(j => j.Accepted && !j.IsEnding).ToList(), cancellationToken);

    /// <summary>Follows, by polling, the jobs whose events go to another client id.</summary>
    private async Task PollUnwatchedJobsAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (IsConnected)
                {
                    await SettleAllAsync(_jobs.Values.Where(j => j.Accepted && !j.Watched && !j.IsEnding).ToList(), stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task SettleAllAsync(IReadOnlyList<TrackedJob> jobs, CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
        {
            Located located;
            try
            {
                located = await LocateAsync(job.Id, cancellationToken);
            }
            catch (ComfyUiRequestException)
            {
                // Away again; the connection loop takes it from here.
                return;
            }

            await SettleAsync(job, located);
        }
    }

    /// <summary>Acts on where a held job turned out to be: running, finished, or forgotten by the worker.</summary>
    private async Task SettleAsync(TrackedJob job, Located located)
    {
        if (located.ClientId is { } postedUnder && postedUnder != ClientId)
        {
            // Posted under an earlier client id (adopted after a restart): its events never reach our socket.
            job.Watched = false;
        }

        switch (located.Presence)
        {
            case WorkerJobPresence.Running:
                lock (job.Gate)
                {
                    MarkRunning(job, atMs: null);
                }

                break;
            case WorkerJobPresence.Finished:
                RunInBackground(_ => EndFromHistoryAsync(job, located.Entry));
                break;
            case WorkerJobPresence.Unknown:
                await LoseAsync(job, $"worker '{Name}' no longer knows the job: it restarted or its queue was cleared");
                break;
        }
    }

    private async Task<Located> LocateAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var queue = await _client.GetQueueAsync(cancellationToken);
        var queued = queue.Find(jobId);
        if (queued != WorkerJobPresence.Unknown)
        {
            return new Located(queued, null, queue.ClientIdOf(jobId));
        }

        var entry = await _client.GetHistoryAsync(jobId, cancellationToken);
        return entry is null ? new Located(WorkerJobPresence.Unknown, null, null) : new Located(WorkerJobPresence.Finished, entry, null);
    }

    private readonly record struct Located(WorkerJobPresence Presence, JObject? Entry, string? ClientId);
}
