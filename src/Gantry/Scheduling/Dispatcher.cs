using Gantry.Domain;
using Gantry.Events;
using Gantry.Jobs;
using Gantry.Scheduling.Leadership;
using Gantry.Store;
using Gantry.Workers;
using Microsoft.Extensions.Options;

namespace Gantry.Scheduling;

/// <summary>
/// Runs the queue: takes queued jobs (from submits, from the store at start, back from lost workers), decides with
/// the <see cref="FairQueue"/> which runs next and where, hands them to workers, and records what the workers
/// report: start, messages (to the owner's sockets), end, loss. This class only wires its collaborators and routes
/// the workers' reports and the jobs' signals to them:
/// <see cref="SchedulerLoop"/> (the one loop that decides; <see cref="HeadReader"/> reads graphs for it),
/// <see cref="HandOver"/> (dispatching), <see cref="JobGuards"/> (start, runtime limit, stopping on a worker),
/// <see cref="JobEnding"/> (every end of a stay on a worker), <see cref="OfflineClocks"/> (the offline grace),
/// <see cref="StartupRecovery"/> (jobs found on workers at start, evacuation), <see cref="WorkerReturns"/>
/// (a worker back with jobs it was left with). Their work beside the loop is tracked by <see cref="BackgroundWork"/>
/// and drained on stop. Every committed change is announced on <see cref="JobSignals"/>.
/// </summary>
public sealed class Dispatcher : BackgroundService, IWorkerCallbacks, IWorkerLoad
{
    /// <summary>How long stopping waits for work still running beside the loop.</summary>
    internal static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(10);

    private readonly DispatchContext _context;
    private readonly JobEnding _ending;
    private readonly JobGuards _guards;
    private readonly WorkerPauses _pauses;
    private readonly OfflineClocks _offline;
    private readonly StartupRecovery _recovery;
    private readonly WorkerReturns _returns;
    private readonly SchedulerLoop _loop;
    private readonly FencedJobStore _fenced;
    private readonly ILeaderElection _election;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly Telemetry.GantryMetrics? _metrics;
    private volatile bool _leading;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Dispatcher(
        IJobStore store,
        IUserStore users,
        WorkerPool pool,
        JobSignals signals,
        EventHub hub,
        TimeProvider time,
        IOptions<SchedulerOptions> options,
        IOptions<DataOptions> data,
        ILogger<Dispatcher> logger,
        ILeaderElection? election = null,
        IHostApplicationLifetime? lifetime = null,
        Telemetry.GantryMetrics? metrics = null)
    {
        _metrics = metrics;
        // Only the leader dispatches (see Leadership/): its moves carry its term's epoch, which the store checks.
        _fenced = new FencedJobStore(store);
        _election = election ?? UncontestedElection.Instance;
        _lifetime = lifetime;
        _context = new DispatchContext(_fenced, users, pool, signals, hub, time, options.Value, data.Value, logger);
        _ending = new JobEnding(_context);
        _guards = new JobGuards(_context, _ending);
        _pauses = new WorkerPauses(_context);
        _offline = new OfflineClocks(_context, _ending);
        _recovery = new StartupRecovery(_context, _ending, _guards);
        _returns = new WorkerReturns(_context, _ending, _guards, _pauses);
        _loop = new SchedulerLoop(_context, new HandOver(_context, _ending, _guards, _pauses), _ending, _offline, _recovery, _returns);
    }

    /// <summary>Completes once the workers are started and the store's active jobs are loaded.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Jobs on the named worker now, as the dispatcher counts them.</summary>
    public int JobsOn(string worker) => _context.Placements.JobsOn(worker);

    /// <summary>The queue's numbers, as the dispatcher's loop sees them.</summary>
    public Task<SchedulerSnapshot> SnapshotAsync()
    {
        var reply = new TaskCompletionSource<SchedulerSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        _context.Post(new SchedulerCommand.Inspect(reply));
        return reply.Task;
    }

    /// <summary>
    /// Each user's jobs and place in the fair order, as the dispatcher's loop sees them (read-only); on an instance that does
    /// not lead, as the store shows them (<see cref="StoredFairness"/>).
    /// </summary>
    public Task<IReadOnlyList<UserFairness>> FairnessAsync(int jobsPerUser)
    {
        if (!_leading)
        {
            return StoredFairnessAsync(jobsPerUser);
        }

        var reply = new TaskCompletionSource<IReadOnlyList<UserFairness>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _context.Post(new SchedulerCommand.InspectFairness(jobsPerUser, reply));
        return reply.Task;
    }

    /// <summary>A user's weight or running limit changed: the queue applies it at once.</summary>
    public void OnUserChanged(User user) => _context.Post(new SchedulerCommand.UserChanged(user));

    /// <summary>
    /// A worker was taken out of the pool: its jobs go back to the queue (the move does not count as an attempt), or
    /// end as cancelled if a cancel was asked for, and are then stopped there. Returns once they are off it.
    /// </summary>
    public Task EvacuateAsync(IWorker worker, string reason)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return _recovery.EvacuateAsync(worker, reason);
    }

    /// <summary>Whether this instance leads (its dispatcher runs) now.</summary>
    public bool IsLeading => _leading;

    /// <summary>Another instance accepted a job (or one was found queued): it joins the queue if this instance leads.</summary>
    public void NoticeQueued(JobRecord job)
    {
        if (_leading)
        {
            OnQueued(job);
        }
    }

    /// <summary>A cancel of a job on a worker was asked on another instance: it is stopped there if this instance leads.</summary>
    public void NoticeCancelRequested(JobRecord job)
    {
        if (_leading)
        {
            OnCancelRequested(job);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LeaderTerm term;
        try
        {
            term = await _election.AcquireAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _ready.TrySetCanceled(CancellationToken.None);
            return;
        }

        bool lost;
        await using (term)
        {
            _fenced.Epoch = term.Epoch;
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term.Lost);
            _leading = true;
            _metrics?.LeadershipChanged(leading: true);

            // Logged once this instance does lead (/readyz says leader from here on), not when the lock is won.
            if (term.Epoch is { } epoch)
            {
                LeadershipLog.Leading(_context.Logger, _election.InstanceId, epoch);
            }

            try
            {
                await LeadAsync(leading.Token);
            }
            finally
            {
                _leading = false;
                _metrics?.LeadershipChanged(leading: false);
                lost = term.Lost.IsCancellationRequested;
            }
        }

        if (lost && !stoppingToken.IsCancellationRequested)
        {
            // A dispatcher is not restarted in-process: the instance stops, and its supervisor starts it again as a follower.
            _lifetime?.StopApplication();
        }
    }

    /// <summary>One term of leadership: runs until <paramref name="stoppingToken"/> (stop, or the term lost).</summary>
    private async Task LeadAsync(CancellationToken stoppingToken)
    {
        _context.Work.Start(stoppingToken);
        var signals = _context.Signals;
        signals.Queued += OnQueued;
        signals.CancelRequested += OnCancelRequested;
        signals.Changed += OnChanged;

        // A queued job cancelled through another instance leaves this queue as soon as the event relay says so.
        signals.ChangedElsewhere += OnChangedElsewhere;
        try
        {
            await _context.Pool.StartAsync(this, this, stoppingToken);
            await _loop.LoadAsync(stoppingToken);
            _ready.TrySetResult();
            await _loop.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            SchedulingLog.LoopFailed(_context.Logger, ex);
            _ready.TrySetException(ex);
            throw;
        }
        finally
        {
            _ready.TrySetCanceled(CancellationToken.None);
            signals.Queued -= OnQueued;
            signals.CancelRequested -= OnCancelRequested;
            signals.Changed -= OnChanged;
            signals.ChangedElsewhere -= OnChangedElsewhere;
            _context.Placements.StopAllTimers();
            _pauses.Dispose();
            _offline.Dispose();

            // Nothing beside the loop may still touch the store or a worker once the dispatcher has stopped.
            await _context.Work.DrainAsync(DrainBound);
            await _context.Pool.DisposeAsync();
        }
    }

    public void OnWorkerChanged(IWorker worker)
    {
        SchedulingLog.WorkerState(_context.Logger, worker.Name, worker.State);
        _context.Post(new SchedulerCommand.WorkerChanged(worker));
    }

    public void OnJobStarted(IWorker worker, Guid jobId, long atMs)
    {
        if (_context.Placements.Find(worker, jobId) is { } placement)
        {
            _context.Work.Track(placement.Enqueue(() => _context.Work.Guard(jobId, () => _guards.StartedAsync(placement, atMs))));
        }
    }

    public void OnJobMessage(IWorker worker, Guid jobId, WorkerMessage message)
    {
        long owner;
        if (_context.Placements.Find(worker, jobId) is { } placement)
        {
            owner = placement.UserId;
        }
        else if (_context.Finished.TryGetOwner(jobId, out owner))
        {
            // Sent after the end was reported: ComfyUI's final executing {node: null}; nothing follows it.
            if (message.Type == "executing")
            {
                _context.Finished.Forget(jobId);
            }
        }
        else if (_context.LeftBehind.Find(worker, jobId) is { } left && !_context.Placements.Contains(jobId))
        {
            // A worker back with a job it was left with, queued here: what it says may be the result that is taken.
            owner = left.UserId;
        }
        else
        {
            return;
        }

        _context.Hub.Publish(owner, EventFrame.FromWorkerMessage(jobId, message));
    }

    public async Task OnJobFinishedAsync(IWorker worker, Guid jobId, WorkerJobOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (_context.Placements.Find(worker, jobId) is { } placement)
        {
            await _context.Work.Track(placement.Enqueue(() => _context.Work.Guard(jobId, () => _ending.FinishAsync(placement, outcome))));
        }
        else if (_context.LeftBehind.TrySettle(worker, jobId) is { } left)
        {
            // The worker stays held until the result is recorded (or dropped), so it is not handed the job's copy first.
            await _context.Work.Guard(jobId, () => _returns.TakeResultAsync(left, outcome));
            _context.LeftBehind.Settled(left);
            _context.Post(new SchedulerCommand.WorkerChanged(worker));
        }
    }

    public void OnJobLost(IWorker worker, Guid jobId, string reason)
    {
        if (_context.Placements.Find(worker, jobId) is { } placement)
        {
            SchedulingLog.Lost(_context.Logger, worker.Name, jobId, reason);
            _context.Work.Track(placement.Enqueue(() => _context.Work.Guard(jobId, () => _ending.LostAsync(placement, reason))));
        }
        else if (_context.LeftBehind.Find(worker, jobId) is { AwaitingReport: true } left && _context.LeftBehind.Resolve(left))
        {
            // It said the job finished but could not give the result: the queued copy runs.
            SchedulingLog.LeftBehindDropped(_context.Logger, jobId, worker.Name, reason);
            _context.Post(new SchedulerCommand.WorkerChanged(worker));
        }
    }

    private void OnQueued(JobRecord job)
    {
        if (job.State == JobState.Queued)
        {
            _context.Post(new SchedulerCommand.Enqueue(new QueuedJob(job.Id, job.UserId, job.Sequence)));
        }
    }

    private void OnChanged(JobRecord job)
    {
        if (JobStateMachine.IsTerminal(job.State))
        {
            _context.Post(new SchedulerCommand.Forget(job.Id));
        }
    }

    private void OnChangedElsewhere(JobChange change)
    {
        if (JobStateMachine.IsTerminal(change.State))
        {
            _context.Post(new SchedulerCommand.Forget(change.JobId));
        }
    }

    private void OnCancelRequested(JobRecord job)
    {
        if (_context.Placements.TryGet(job.Id, out var placement) && !placement.Ended && placement.RequestCancel())
        {
            _context.Work.Run(job.Id, () => _guards.StopOnWorkerAsync(placement, timedOut: false));
        }
    }

    private async Task<IReadOnlyList<UserFairness>> StoredFairnessAsync(int jobsPerUser)
    {
        var active = await _context.Store.ListActiveJobsAsync(CancellationToken.None);
        var users = (await _context.Users.ListUsersAsync(CancellationToken.None)).ToDictionary(u => u.Id);
        return StoredFairness.Compute(active, users, _context.Options, jobsPerUser);
    }
}
