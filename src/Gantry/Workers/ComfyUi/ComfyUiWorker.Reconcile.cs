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

    /// <summary>While the socket is down: settles every held job the worker finished or forgot.</summary>
    private Task ReconcileHeldJobsAsync(CancellationToken cancellationToken)
        => SettleAllAsync(AcceptedJobs(), cancellationToken);

    /// <summary>
    /// After a reconnect: settles every held job while the socket is read on. A job can end while Gantry looks, and
    /// its last events (<c>executed</c>, <c>execution_success</c>, the final <c>executing</c>) then arrive during the
    /// look: what arrives is held, handled in arrival order once the look is over, and only then are the jobs the look
    /// found finished ended from their history, so those events reach the owner, in order, before the end. The worker is
    /// online again once the look is over. Returns the read still pending, or null when the worker closed the socket.
    /// </summary>
    private async Task<Task<ReceivedFrame?>?> ReconcileAfterReconnectAsync(ComfyUiSocket socket, Task<ReceivedFrame?> next, CancellationToken stop)
    {
        var found = new List<(TrackedJob Job, JObject? Entry)>();
        var look = SettleAllAsync(AcceptedJobs(), stop, found);
        var held = new List<ReceivedFrame>();
        Task<ReceivedFrame?>? reading = next;
        var readToTheEnd = false;
        try
        {
            // Frames already read win over the end of the look, so none is left behind when both are done.
            while (reading is not null && await Task.WhenAny(reading, look) == reading)
            {
                if (await reading is { } frame)
                {
                    held.Add(frame);
                    reading = socket.ReceiveAsync(stop);
                }
                else
                {
                    reading = null;
                }
            }

            readToTheEnd = true;
        }
        finally
        {
            await look;
            if (readToTheEnd && reading is not null)
            {
                SetState(WorkerState.Online, null);
            }

            foreach (var frame in held)
            {
                HandleFrame(frame);
            }

            foreach (var (job, entry) in found)
            {
                RunInBackground(_ => EndFromHistoryAsync(job, entry));
            }
        }

        return reading;
    }

    private List<TrackedJob> AcceptedJobs() => _jobs.Values.Where(j => j.Accepted && !j.IsEnding).ToList();

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

    /// <summary>Settles each job in turn; a job found finished is ended now, or added to <paramref name="endLater"/> when given.</summary>
    private async Task SettleAllAsync(IReadOnlyList<TrackedJob> jobs, CancellationToken cancellationToken, List<(TrackedJob Job, JObject? Entry)>? endLater = null)
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

            await SettleAsync(job, located, endLater);
        }
    }

    /// <summary>Acts on where a held job turned out to be: running, finished, or forgotten by the worker.</summary>
    private async Task SettleAsync(TrackedJob job, Located located, List<(TrackedJob Job, JObject? Entry)>? endLater = null)
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
            case WorkerJobPresence.Finished when endLater is not null:
                endLater.Add((job, located.Entry));
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
