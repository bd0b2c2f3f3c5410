using Gantry.Events;
using Gantry.Jobs;
using Gantry.Workers;

namespace Gantry.Scheduling;

public sealed partial class Dispatcher
{
    public void OnWorkerChanged(IWorker worker)
    {
        SchedulingLog.WorkerState(_logger, worker.Name, worker.State);
        Post(new Command.WorkerChanged(worker));
    }

    public void OnJobStarted(IWorker worker, Guid jobId, long atMs)
    {
        if (Find(worker, jobId) is { } placement)
        {
            _ = placement.Enqueue(() => Guard(jobId, () => StartedAsync(placement, atMs)));
        }
    }

    public void OnJobMessage(IWorker worker, Guid jobId, WorkerMessage message)
    {
        long owner;
        if (Find(worker, jobId) is { } placement)
        {
            owner = placement.UserId;
        }
        else if (_finished.TryGetOwner(jobId, out owner))
        {
            // Sent after the end was reported: ComfyUI's final executing {node: null}; nothing follows it.
            if (message.Type == "executing")
            {
                _finished.Forget(jobId);
            }
        }
        else if (_leftBehind.Find(worker, jobId) is { } left && !_placements.ContainsKey(jobId))
        {
            // A worker back with a job it was left with, queued here: what it says may be the result that is taken.
            owner = left.UserId;
        }
        else
        {
            return;
        }

        _hub.Publish(owner, EventFrame.FromWorkerMessage(jobId, message));
    }

    public async Task OnJobFinishedAsync(IWorker worker, Guid jobId, WorkerJobOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (Find(worker, jobId) is { } placement)
        {
            await placement.Enqueue(() => Guard(jobId, () => FinishAsync(placement, outcome)));
        }
        else if (_leftBehind.TryResolve(worker, jobId) is { } left)
        {
            await Guard(jobId, () => TakeResultAsync(left, outcome));
            Post(new Command.WorkerChanged(worker));
        }
    }

    public void OnJobLost(IWorker worker, Guid jobId, string reason)
    {
        if (Find(worker, jobId) is { } placement)
        {
            SchedulingLog.Lost(_logger, worker.Name, jobId, reason);
            _ = placement.Enqueue(() => Guard(jobId, () => LostAsync(placement, reason)));
        }
        else if (_leftBehind.Find(worker, jobId) is { AwaitingReport: true } left && _leftBehind.Resolve(left))
        {
            // It said the job finished but could not give the result: the queued copy runs.
            SchedulingLog.LeftBehindDropped(_logger, jobId, worker.Name, reason);
            Post(new Command.WorkerChanged(worker));
        }
    }

    private void OnQueued(JobRecord job)
    {
        if (job.State == JobState.Queued)
        {
            Post(new Command.Enqueue(new QueuedJob(job.Id, job.UserId, job.Sequence)));
        }
    }

    private void OnChanged(JobRecord job)
    {
        if (JobStateMachine.IsTerminal(job.State))
        {
            Post(new Command.Forget(job.Id));
        }
    }

    private void OnCancelRequested(JobRecord job)
    {
        if (_placements.TryGetValue(job.Id, out var placement) && !placement.Ended && placement.RequestCancel())
        {
            _ = Guard(job.Id, () => StopOnWorkerAsync(placement, timedOut: false));
        }
    }

    /// <summary>The job as placed on this very worker (a report from a worker that no longer has it is ignored).</summary>
    private Placement? Find(IWorker worker, Guid jobId)
        => _placements.TryGetValue(jobId, out var placement)
            && !placement.Ended
            && (placement.Worker is null ? placement.WorkerName == worker.Name : ReferenceEquals(placement.Worker, worker))
                ? placement
                : null;

    private async Task StartedAsync(Placement placement, long atMs)
    {
        if (placement.Ended)
        {
            return;
        }

        var moved = await _store.TransitionAsync(
            new JobTransition
            {
                JobId = placement.JobId,
                To = JobState.Running,
                OnlyFrom = [JobState.Dispatched],
                OnlyOnWorker = placement.WorkerName,
                AtMs = NowMs,
                ExecutionStartMs = atMs,
            },
            _stopping);
        if (moved is not null)
        {
            placement.Record = moved;
            _signals.RaiseChanged(moved);
        }

        StartRuntimeTimer(placement, atMs);
    }
}
