using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Finding out where held jobs are after Gantry restarted or the socket was down (<see cref="JobLocation"/>), and
/// acting on it. Jobs whose events do not reach our socket (posted under an earlier client id) are polled the same way.
/// </summary>
internal sealed class ComfyUiReconciler(ComfyUiWorkerContext context, ComfyUiJobCompletion completion, ComfyUiEventRouter router)
{
    /// <summary>A job the dispatcher believes is on this worker (after a Gantry restart): adopted and settled.</summary>
    public async Task<WorkerJobPresence> ReconcileAsync(WorkerJob job, CancellationToken cancellationToken)
    {
        var tracked = context.Jobs.GetOrAdd(job, out var added);
        if (tracked.IsEnding)
        {
            return WorkerJobPresence.Finished;
        }

        JobLocation located;
        try
        {
            located = await LocateAsync(job.JobId, cancellationToken);
        }
        catch (ComfyUiRequestException ex)
        {
            if (added)
            {
                context.Jobs.Forget(tracked);
            }

            throw new WorkerUnavailableException($"Worker '{context.Name}' could not be asked about job {job.JobId}: {ex.Message}", ex);
        }

        if (added)
        {
            tracked.Watched = located.PostedUnder(context.ClientId);
        }

        if (located.Presence == WorkerJobPresence.Unknown)
        {
            // The dispatcher requeues it; nothing more to report.
            context.Jobs.Forget(tracked);
        }
        else
        {
            await SettleAsync(tracked, located);
        }

        return located.Presence;
    }

    /// <summary>While the socket is down: settles every held job the worker finished or forgot.</summary>
    public Task SettleHeldJobsAsync(CancellationToken cancellationToken) => SettleAllAsync(context.Jobs.Settleable(), cancellationToken);

    /// <summary>
    /// After a reconnect: settles every held job while the socket is read on. A job can end while Gantry looks, and
    /// its last events (<c>executed</c>, <c>execution_success</c>, the final <c>executing</c>) then arrive during the
    /// look: what arrives is held, handled in arrival order once the look is over, and only then are the jobs the look
    /// found finished ended from their history, so those events reach the owner, in order, before the end.
    /// <paramref name="online"/> is called once the look is over with the socket still open. Returns the read still
    /// pending, or null when the worker closed the socket.
    /// </summary>
    public async Task<Task<ReceivedFrame?>?> AfterReconnectAsync(ComfyUiSocket socket, Task<ReceivedFrame?> next, Action online, CancellationToken stop)
    {
        var found = new List<(TrackedJob Job, JObject? Entry)>();
        var look = SettleAllAsync(context.Jobs.Settleable(), stop, found);
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
                online();
            }

            foreach (var frame in held)
            {
                router.Handle(frame);
            }

            foreach (var (job, entry) in found)
            {
                context.Background.Run(_ => completion.EndFromHistoryAsync(job, entry));
            }
        }

        return reading;
    }

    /// <summary>Follows, by polling, the jobs whose events go to another client id, while <paramref name="connected"/>.</summary>
    public async Task PollUnwatchedJobsAsync(Func<bool> connected, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(context.Options.PollInterval, context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (connected())
                {
                    await SettleAllAsync(context.Jobs.Unwatched(), stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Settles each job in turn; a job found finished is ended now, or added to <paramref name="endLater"/> when given.</summary>
    public async Task SettleAllAsync(IReadOnlyList<TrackedJob> jobs, CancellationToken cancellationToken, List<(TrackedJob Job, JObject? Entry)>? endLater = null)
    {
        foreach (var job in jobs)
        {
            JobLocation located;
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
    private async Task SettleAsync(TrackedJob job, JobLocation located, List<(TrackedJob Job, JObject? Entry)>? endLater = null)
    {
        if (located.PostedElsewhere(context.ClientId))
        {
            job.Watched = false;
        }

        switch (located.Step)
        {
            case SettleStep.MarkRunning:
                lock (job.Gate)
                {
                    router.MarkRunning(job, atMs: null);
                }

                break;
            case SettleStep.End when endLater is not null:
                endLater.Add((job, located.Entry));
                break;
            case SettleStep.End:
                context.Background.Run(_ => completion.EndFromHistoryAsync(job, located.Entry));
                break;
            case SettleStep.Lose:
                await completion.LoseAsync(job, $"worker '{context.Name}' no longer knows the job: it restarted or its queue was cleared");
                break;
        }
    }

    private async Task<JobLocation> LocateAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var queue = await context.Client.GetQueueAsync(cancellationToken);
        return JobLocation.InQueue(queue, jobId) ?? JobLocation.InHistory(await context.Client.GetHistoryAsync(jobId, cancellationToken));
    }
}
