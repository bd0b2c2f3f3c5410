using Gantry.Jobs;
using Gantry.Outputs;
using Gantry.Workers;

namespace Gantry.Scheduling;

public sealed partial class Dispatcher
{
    private void StartDispatch(QueuedJob job, string workerName, JobPayload payload)
    {
        if (_pool.Find(workerName) is not { } worker)
        {
            // The worker left the pool before the queue heard of it: forget it, and the job waits for the next decision.
            _queue.Release(job.JobId);
            _queue.RemoveWorker(workerName);
            EnqueueJob(job, payload);
            return;
        }

        var placement = new Placement(job.JobId, job.UserId, job.Sequence, worker, workerName)
        {
            Requirements = job.Requirements,
            Payload = payload,
            Phase = PlacementPhase.Submitting,
        };
        _placements[job.JobId] = placement;

        // The store write starts now, so the dispatches of one decision pass share a group commit; the hand-overs to
        // one worker still happen one at a time in decision order (its own queue must run a user's jobs in their order).
        var marking = MarkDispatchedAsync(placement);
        _ = _handOvers.GetOrAdd(workerName, _ => new SerialWork()).Enqueue(() => Guard(job.JobId, () => DispatchAsync(placement, marking)));
    }

    private Task<JobRecord?> MarkDispatchedAsync(Placement placement)
    {
        try
        {
            return _store.TransitionAsync(
                new JobTransition
                {
                    JobId = placement.JobId,
                    To = JobState.Dispatched,
                    OnlyFrom = [JobState.Queued],
                    AtMs = NowMs,
                    Worker = placement.WorkerName,
                    CountAttempt = true,
                },
                _stopping);
        }
        catch (Exception ex)
        {
            return Task.FromException<JobRecord?>(ex);
        }
    }

    /// <summary>
    /// Dispatched in the store first (<paramref name="marking"/>, so a crash never loses track of it), then handed to the worker. Worker calls
    /// never run inside the job's serial line: a worker may report the end from within them.
    /// </summary>
    private async Task DispatchAsync(Placement placement, Task<JobRecord?> marking)
    {
        var worker = placement.Worker!;
        JobRecord? moved;
        try
        {
            moved = await marking;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // The store could not record it: the job is still queued there, so it goes back in line here too.
            SchedulingLog.WorkFailed(_logger, placement.JobId, ex);
            Forget(placement);
            Post(new Command.Released(placement.JobId, placement.ToQueuedJob(), placement.Payload));
            return;
        }

        if (moved is null)
        {
            // Cancelled or gone while it waited for its turn.
            Forget(placement);
            Post(new Command.Released(placement.JobId));
            return;
        }

        placement.Record = moved;
        _signals.RaiseChanged(moved);
        SchedulingLog.Dispatched(_logger, placement.JobId, placement.WorkerName);
        try
        {
            await worker.SubmitAsync(ToWorkerJob(placement), _stopping);
        }
        catch (WorkerRejectedJobException ex)
        {
            SchedulingLog.Refused(_logger, placement.WorkerName, placement.JobId, ex.Message);
            await placement.Enqueue(() => EndAsync(placement, JobState.Failed, $"Worker '{placement.WorkerName}' refused the job: {ex.Message}"));
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            SchedulingLog.Unavailable(_logger, placement.WorkerName, placement.JobId, ex.Message);
            _bounces.AddOrUpdate(placement.JobId, 1, (_, count) => count + 1);
            Pause(worker);
            await placement.Enqueue(() => RequeueAsync(placement));
            return;
        }

        if (placement.Ended)
        {
            return;
        }

        if (placement.MarkOnWorker())
        {
            await StopOnWorkerAsync(placement, timedOut: false);
        }
    }

    private WorkerJob ToWorkerJob(Placement placement)
        => ToWorkerJob(placement.JobId, placement.UserId, placement.Payload ?? throw new InvalidOperationException($"Job {placement.JobId} has no payload loaded."));

    private WorkerJob ToWorkerJob(Guid jobId, long userId, JobPayload payload) => new()
    {
        JobId = jobId,
        UserId = userId,
        PromptJson = payload.PromptJson,
        ExtraDataJson = payload.ExtraDataJson,
        OutputsToExecute = payload.OutputsToExecute,
        InputDirectory = UserFiles.InputDirectory(_data, userId),
    };

    private async Task FailUnrunnableAsync(Guid jobId, string reason)
    {
        SchedulingLog.Unrunnable(_logger, jobId, reason);
        var moved = await _store.TransitionAsync(
            new JobTransition { JobId = jobId, To = JobState.Failed, OnlyFrom = [JobState.Queued], AtMs = NowMs, ErrorMessage = reason },
            _stopping);
        if (moved is not null)
        {
            _signals.RaiseChanged(moved);
        }
    }

    /// <summary>Attempts that count against <see cref="SchedulerOptions.MaxAttempts"/>: hand-overs the worker refused as unavailable do not.</summary>
    private int CountedAttempts(JobRecord record) => record.Attempts - _bounces.GetValueOrDefault(record.Id);
}
