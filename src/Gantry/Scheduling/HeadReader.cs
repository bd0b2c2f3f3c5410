using Gantry.Domain;

namespace Gantry.Scheduling;

/// <summary>
/// Part of the loop (used only from it): the graphs of queued jobs, read from the store when a job becomes one of its
/// owner's next two (<see cref="UserLanes.ReadAhead"/>; a bounded number at a time), with the owner's share refreshed when stale; what each job needs is
/// then handed to the <see cref="FairQueue"/>. A graph that cannot be read fails its job, once.
/// </summary>
internal sealed class HeadReader(DispatchContext context, FairQueue queue, JobEnding ending)
{
    private const int MaxConcurrentReads = 64;

    private readonly Dictionary<Guid, JobPayload> _payloads = [];
    private readonly HashSet<Guid> _reading = [];
    private readonly Dictionary<long, long> _userReadAtMs = [];

    /// <summary>Graphs being read now.</summary>
    public int Reading => _reading.Count;

    /// <summary>Queues a job; with its graph when already read (a requeued job), else it is read when it is its owner's next.</summary>
    public void Enqueue(QueuedJob job, JobPayload? payload)
    {
        if (!queue.Enqueue(job) || payload is null)
        {
            return;
        }

        if (job.Requirements is not null)
        {
            _payloads[job.JobId] = payload;
        }
        else if (RequirementsOf(job.JobId, payload) is { } requirements)
        {
            _payloads[job.JobId] = payload;
            queue.SetRequirements(job.JobId, requirements);
        }
        else
        {
            queue.Remove(job.JobId);
        }
    }

    /// <summary>The job left the queue without running.</summary>
    public void Forget(Guid jobId)
    {
        queue.Remove(jobId);
        _payloads.Remove(jobId);
    }

    /// <summary>Hands over the graph of a job that leaves the queue; null when it is not in memory.</summary>
    public JobPayload? TakePayload(Guid jobId) => _payloads.Remove(jobId, out var payload) ? payload : null;

    public void ApplyPrepared(SchedulerCommand.Prepared prepared)
    {
        _reading.Remove(prepared.JobId);
        if (prepared.User is { } user)
        {
            _userReadAtMs[user.Id] = context.NowMs;
            queue.SetUserShare(user.Id, user.Weight, user.MaxRunning);
        }

        if (prepared.Payload is null)
        {
            // The job is gone or no longer queued.
            queue.Remove(prepared.JobId);
            return;
        }

        if (queue.IsQueued(prepared.JobId))
        {
            _payloads[prepared.JobId] = prepared.Payload;
            queue.SetRequirements(prepared.JobId, prepared.Requirements!);
        }
    }

    /// <summary>
    /// Reads the graphs (and, when stale, the owners' shares) of users' next jobs, a bounded number at a time.
    /// Returns whether a graph already in memory made a job ready at once.
    /// </summary>
    public bool PrepareHeads()
    {
        var ready = false;
        if (_reading.Count >= MaxConcurrentReads || queue.HeadsAwaitingRequirements.Count == 0)
        {
            return ready;
        }

        foreach (var head in queue.HeadsAwaitingRequirements.ToArray())
        {
            if (_reading.Count >= MaxConcurrentReads)
            {
                break;
            }

            if (_payloads.TryGetValue(head.JobId, out var known))
            {
                if (RequirementsOf(head.JobId, known) is { } requirements)
                {
                    ready |= queue.SetRequirements(head.JobId, requirements);
                }
                else
                {
                    _payloads.Remove(head.JobId);
                    queue.Remove(head.JobId);
                }

                continue;
            }

            if (_reading.Add(head.JobId))
            {
                var refreshUser = !_userReadAtMs.TryGetValue(head.UserId, out var readAt)
                    || context.NowMs - readAt >= (long)context.Options.UserRefresh.TotalMilliseconds;
                context.Work.Track(ReadAsync(head.JobId, head.UserId, refreshUser));
            }
        }

        return ready;
    }

    private async Task ReadAsync(Guid jobId, long userId, bool refreshUser)
    {
        JobPayload? payload = null;
        JobRequirements? requirements = null;
        User? user = null;
        try
        {
            payload = await context.Store.GetPayloadAsync(jobId, context.Stopping);
            requirements = payload is null ? null : RequirementsOf(jobId, payload);
            if (requirements is null)
            {
                payload = null;
            }

            user = refreshUser ? await context.Users.GetUserAsync(userId, context.Stopping) : null;
        }
        catch (OperationCanceledException) when (context.Stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            SchedulingLog.WorkFailed(context.Logger, jobId, ex);
            payload = null;
        }

        context.Post(new SchedulerCommand.Prepared(jobId, payload, requirements, user));
    }

    /// <summary>
    /// The requirements stored with the job at submit, or (a job stored before they were) read from its graph. A graph
    /// that cannot be read can never run: the job fails with the reason, once, instead of waiting forever.
    /// </summary>
    private JobRequirements? RequirementsOf(Guid jobId, JobPayload payload)
    {
        if (payload.Requirements is { } stored)
        {
            return stored;
        }

        if (JobRequirements.FromPrompt(payload.PromptJson, out var error) is { } read)
        {
            return read;
        }

        context.Work.Run(jobId, () => ending.FailUnrunnableAsync(jobId, $"The job's workflow cannot be read: {error}"));
        return null;
    }
}
