using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// The dispatch loop: the one place that changes the <see cref="FairQueue"/>. It applies the commands posted to the
/// <see cref="SchedulerInbox"/> in order, has the graphs of users' next jobs read (<see cref="HeadReader"/>), takes
/// every decision the queue has and starts carrying each out (<see cref="HandOver"/>), and keeps the queue's view of
/// each worker up to date. No locks around the queue: everything else reports back through the inbox.
/// </summary>
internal sealed class SchedulerLoop
{
    private readonly DispatchContext _context;
    private readonly FairQueue _queue;
    private readonly HeadReader _heads;
    private readonly HandOver _handOver;
    private readonly JobEnding _ending;
    private readonly OfflineClocks _offline;
    private readonly StartupRecovery _recovery;
    private readonly WorkerReturns _returns;

    public SchedulerLoop(DispatchContext context, HandOver handOver, JobEnding ending, OfflineClocks offline, StartupRecovery recovery, WorkerReturns returns)
    {
        _context = context;
        _queue = new FairQueue(context.Options.DefaultWeight, context.Options.MaxRunningPerUser);
        _heads = new HeadReader(context, _queue, ending);
        _handOver = handOver;
        _ending = ending;
        _offline = offline;
        _recovery = recovery;
        _returns = returns;
    }

    /// <summary>At start, before <see cref="RunAsync"/>: the workers' lanes, then the store's active jobs.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        // Workers started before the load: their lanes exist before any job is placed on them.
        foreach (var worker in _context.Pool.LiveWorkers)
        {
            SyncWorker(worker);
        }

        var onWorkers = 0;
        foreach (var job in await _context.Store.ListActiveJobsAsync(cancellationToken))
        {
            if (job.State == JobState.Queued)
            {
                _heads.Enqueue(new QueuedJob(job.Id, job.UserId, job.Sequence), payload: null);
                continue;
            }

            var placement = _recovery.Adopt(job);
            _queue.Place(job.Id, job.UserId, placement.WorkerName);
            onWorkers++;
        }

        foreach (var worker in _context.Pool.LiveWorkers)
        {
            if (worker.State is WorkerState.Online or WorkerState.Draining)
            {
                _recovery.ReconcileUnconfirmed(worker);
            }
        }

        SchedulingLog.Started(_context.Logger, _queue.QueuedCount, onWorkers);
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var reader = _context.Inbox.Reader;
        do
        {
            try
            {
                while (reader.TryRead(out var command))
                {
                    Apply(command);
                }

                // A decision exposes the next job of a user; reading its graph may allow the next decision.
                while (_heads.PrepareHeads() | Decide())
                {
                }
            }
            catch (Exception ex)
            {
                // A bug in one step must not stop the queue for everyone: say so loudly and carry on.
                SchedulingLog.LoopFailed(_context.Logger, ex);
            }
        }
        while (await reader.WaitToReadAsync(stoppingToken));
    }

    private void Apply(SchedulerCommand command)
    {
        switch (command)
        {
            case SchedulerCommand.Enqueue enqueue:
                _heads.Enqueue(enqueue.Job, enqueue.Payload);
                break;
            case SchedulerCommand.Forget forget:
                _heads.Forget(forget.JobId);
                _context.Bounces.TryRemove(forget.JobId, out _);
                break;
            case SchedulerCommand.Prepared prepared:
                _heads.ApplyPrepared(prepared);
                break;
            case SchedulerCommand.Released released:
                _queue.Release(released.JobId);
                if (released.Requeue is { } again)
                {
                    _heads.Enqueue(again, released.Payload);
                }

                released.Done?.TrySetResult();
                break;
            case SchedulerCommand.WorkerChanged changed:
                SyncWorker(changed.Worker);
                break;
            case SchedulerCommand.Inspect inspect:
                inspect.Reply.TrySetResult(new SchedulerSnapshot(
                    _queue.QueuedCount, _queue.PlacedCount, _queue.FreeWorkerCount, _queue.HeadsAwaitingRequirements.Count, _heads.Reading));
                break;
            case SchedulerCommand.InspectFairness fairness:
                fairness.Reply.TrySetResult(_queue.Fairness(fairness.JobsPerUser));
                break;
            case SchedulerCommand.UserChanged user:
                _queue.SetUserShare(user.User.Id, user.User.Weight, user.User.MaxRunning);
                break;
            case SchedulerCommand.WorkerPaused paused:
                PauseWorker(paused.Worker);
                break;
            case SchedulerCommand.TakeBack back:
                back.Reply.TrySetResult(TakeBack(back.Job, back.Presence));
                break;
        }
    }

    /// <summary>Takes every decision the queue has now and starts carrying each one out; returns whether there was any.</summary>
    private bool Decide()
    {
        var decided = false;
        while (_queue.Next() is { } decision)
        {
            decided = true;
            switch (decision)
            {
                case FairQueueDecision.Assign assign when _heads.TakePayload(assign.Job.JobId) is { } payload:
                    if (!_handOver.Start(assign.Job, assign.Worker, payload))
                    {
                        // The worker left the pool before the queue heard of it: forget it, and the job waits for the next decision.
                        _queue.Release(assign.Job.JobId);
                        _queue.RemoveWorker(assign.Worker);
                        _heads.Enqueue(assign.Job, payload);
                    }

                    break;
                case FairQueueDecision.Assign unread:
                    // Its graph is not in memory (never expected): back in line, to be read again first.
                    _queue.Release(unread.Job.JobId);
                    _queue.Enqueue(new QueuedJob(unread.Job.JobId, unread.Job.UserId, unread.Job.Sequence));
                    break;
                case FairQueueDecision.Unrunnable unrunnable:
                    _heads.TakePayload(unrunnable.Job.JobId);
                    _context.Work.Run(unrunnable.Job.JobId, () => _ending.FailUnrunnableAsync(unrunnable.Job.JobId, unrunnable.Reason));
                    break;
            }
        }

        return decided;
    }

    /// <summary>Brings the queue's view of a worker up to date with the pool's worker of that name (or its absence).</summary>
    private void SyncWorker(IWorker reported)
    {
        if (_context.Pool.Find(reported.Name) is not { } worker)
        {
            _offline.Stop(reported.Name);
            _context.LeftBehind.ForgetWorker(reported.Name, current: null);
            _queue.RemoveWorker(reported.Name);
            return;
        }

        _context.LeftBehind.ForgetWorker(worker.Name, worker);
        var state = worker.State;
        if (state is WorkerState.Online or WorkerState.Draining)
        {
            _returns.AskAboutLeftBehind(worker);
        }

        if (state == WorkerState.Offline)
        {
            _offline.Start(worker);
        }
        else
        {
            _offline.Stop(worker.Name);
        }

        var availability = state switch
        {
            // Not while it is asked about the jobs it was left with: it could be handed a copy of one of them.
            WorkerState.Online => _context.LeftBehind.IsHeld(worker) ? WorkerAvailability.Unavailable : WorkerAvailability.Accepting,
            WorkerState.Draining => WorkerAvailability.Retired,
            _ => WorkerAvailability.Unavailable,
        };
        _queue.SetWorker(worker.Name, worker.Capabilities, worker.Slots, availability);
        if (state is WorkerState.Online or WorkerState.Draining)
        {
            _recovery.ReconcileUnconfirmed(worker);
        }
    }

    /// <summary>A worker refused a job as unavailable: it gets nothing until it reports a change or <see cref="WorkerPauses.Duration"/> passes.</summary>
    private void PauseWorker(IWorker worker)
    {
        if (ReferenceEquals(_context.Pool.Find(worker.Name), worker))
        {
            _queue.SetWorker(worker.Name, worker.Capabilities, worker.Slots, WorkerAvailability.Unavailable);
        }
    }

    /// <summary>A worker came back running a job that is still queued here: it goes back to that worker. False when it is no longer queued.</summary>
    private bool TakeBack(LeftBehindJob left, WorkerJobPresence presence)
    {
        if (!_queue.IsQueued(left.JobId) || _returns.TakeBack(left, presence) is not { } placement)
        {
            return false;
        }

        _heads.TakePayload(left.JobId);
        _queue.Place(left.JobId, left.UserId, placement.WorkerName, left.Requirements);
        return true;
    }
}
