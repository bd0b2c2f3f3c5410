using System.Collections.Concurrent;
using System.Threading.Channels;
using Gantry.Auth;
using Gantry.Events;
using Gantry.Jobs;
using Gantry.Store;
using Gantry.Workers;
using Microsoft.Extensions.Options;

namespace Gantry.Scheduling;

/// <summary>
/// Runs the queue: takes queued jobs (from submits, from the store at start, back from lost workers), decides with
/// the <see cref="FairQueue"/> which runs next and where, hands them to workers, and records what the workers
/// report: start, messages (to the owner's sockets), end, loss. Guards each job with a maximum runtime and
/// carries cancels to the worker. Decisions happen on one loop (no locks around the queue); store writes and
/// worker calls run beside it and report back to it. Every committed change is announced on <see cref="JobSignals"/>.
/// </summary>
public sealed partial class Dispatcher : BackgroundService, IWorkerCallbacks, IWorkerLoad
{
    private const int MaxConcurrentPreparations = 64;

    private readonly IJobStore _store;
    private readonly IUserStore _users;
    private readonly WorkerPool _pool;
    private readonly JobSignals _signals;
    private readonly EventHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger<Dispatcher> _logger;
    private readonly SchedulerOptions _options;
    private readonly DataOptions _data;
    private readonly FairQueue _queue;
    private readonly Channel<Command> _commands = Channel.CreateUnbounded<Command>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, Placement> _placements = new();
    private readonly ConcurrentDictionary<Guid, int> _bounces = new();
    private readonly FinishedJobs _finished = new();
    private readonly LeftBehindJobs _leftBehind = new();
    private readonly ConcurrentDictionary<object, ITimer> _pauses = new();
    private readonly ConcurrentDictionary<string, ITimer> _offline = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SerialWork> _handOvers = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Owned by the loop.
    private readonly Dictionary<Guid, Jobs.JobPayload> _payloads = [];
    private readonly HashSet<Guid> _preparing = [];
    private readonly Dictionary<long, long> _userReadAtMs = [];
    private CancellationToken _stopping;

    public Dispatcher(
        IJobStore store,
        IUserStore users,
        WorkerPool pool,
        JobSignals signals,
        EventHub hub,
        TimeProvider time,
        IOptions<SchedulerOptions> options,
        IOptions<DataOptions> data,
        ILogger<Dispatcher> logger)
    {
        _store = store;
        _users = users;
        _pool = pool;
        _signals = signals;
        _hub = hub;
        _time = time;
        _logger = logger;
        _options = options.Value;
        _data = data.Value;
        _queue = new FairQueue(_options.DefaultWeight, _options.MaxRunningPerUser);
    }

    /// <summary>Completes once the workers are started and the store's active jobs are loaded.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Jobs on the named worker now, as the dispatcher counts them.</summary>
    public int JobsOn(string worker) => _placements.Values.Count(p => p.WorkerName == worker && !p.Ended);

    /// <summary>The queue's numbers, as the dispatcher's loop sees them.</summary>
    public Task<SchedulerSnapshot> SnapshotAsync()
    {
        var reply = new TaskCompletionSource<SchedulerSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new Command.Inspect(reply));
        return reply.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        _signals.Queued += OnQueued;
        _signals.CancelRequested += OnCancelRequested;
        _signals.Changed += OnChanged;
        try
        {
            await _pool.StartAsync(this, this, stoppingToken);
            await LoadActiveJobsAsync(stoppingToken);
            _ready.TrySetResult();
            await RunLoopAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            SchedulingLog.LoopFailed(_logger, ex);
            _ready.TrySetException(ex);
            throw;
        }
        finally
        {
            _ready.TrySetCanceled(CancellationToken.None);
            _signals.Queued -= OnQueued;
            _signals.CancelRequested -= OnCancelRequested;
            _signals.Changed -= OnChanged;
            foreach (var placement in _placements.Values)
            {
                placement.StopTimers();
            }

            foreach (var pause in _pauses.Values)
            {
                pause.Dispose();
            }

            foreach (var offline in _offline.Values)
            {
                offline.Dispose();
            }

            await _pool.DisposeAsync();
        }
    }

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        var reader = _commands.Reader;
        do
        {
            try
            {
                while (reader.TryRead(out var command))
                {
                    Apply(command);
                }

                // A decision exposes the next job of a user; reading its graph may allow the next decision.
                while (PrepareHeads() | Decide())
                {
                }
            }
            catch (Exception ex)
            {
                // A bug in one step must not stop the queue for everyone: say so loudly and carry on.
                SchedulingLog.LoopFailed(_logger, ex);
            }
        }
        while (await reader.WaitToReadAsync(stoppingToken));
    }

    private void Post(Command command) => _commands.Writer.TryWrite(command);

    private void Apply(Command command)
    {
        switch (command)
        {
            case Command.Enqueue enqueue:
                EnqueueJob(enqueue.Job, enqueue.Payload);
                break;
            case Command.Forget forget:
                _queue.Remove(forget.JobId);
                _payloads.Remove(forget.JobId);
                _bounces.TryRemove(forget.JobId, out _);
                break;
            case Command.Prepared prepared:
                ApplyPrepared(prepared);
                break;
            case Command.Released released:
                _queue.Release(released.JobId);
                if (released.Requeue is { } again)
                {
                    EnqueueJob(again, released.Payload);
                }

                released.Done?.TrySetResult();
                break;
            case Command.WorkerChanged changed:
                SyncWorker(changed.Worker);
                break;
            case Command.Inspect inspect:
                inspect.Reply.TrySetResult(new SchedulerSnapshot(
                    _queue.QueuedCount, _queue.PlacedCount, _queue.FreeWorkerCount, _queue.HeadsAwaitingRequirements.Count, _preparing.Count));
                break;
            case Command.WorkerPaused paused:
                PauseWorker(paused.Worker);
                break;
            case Command.TakeBack back:
                back.Reply.TrySetResult(TakeBack(back.Job, back.Presence));
                break;
        }
    }

    private void EnqueueJob(QueuedJob job, Jobs.JobPayload? payload)
    {
        if (!_queue.Enqueue(job))
        {
            return;
        }

        if (payload is not null)
        {
            if (job.Requirements is not null)
            {
                _payloads[job.JobId] = payload;
            }
            else if (RequirementsOf(job.JobId, payload) is { } requirements)
            {
                _payloads[job.JobId] = payload;
                _queue.SetRequirements(job.JobId, requirements);
            }
            else
            {
                _queue.Remove(job.JobId);
            }
        }
    }

    private void ApplyPrepared(Command.Prepared prepared)
    {
        _preparing.Remove(prepared.JobId);
        if (prepared.User is { } user)
        {
            _userReadAtMs[user.Id] = NowMs;
            _queue.SetUserShare(user.Id, user.Weight, user.MaxRunning);
        }

        if (prepared.Payload is null)
        {
            // The job is gone or no longer queued.
            _queue.Remove(prepared.JobId);
            return;
        }

        if (_queue.IsQueued(prepared.JobId))
        {
            _payloads[prepared.JobId] = prepared.Payload;
            _queue.SetRequirements(prepared.JobId, prepared.Requirements!);
        }
    }

    /// <summary>
    /// Reads the graphs (and, when stale, the owners' shares) of users' next jobs, a bounded number at a time.
    /// Returns whether a graph already in memory made a job ready at once.
    /// </summary>
    private bool PrepareHeads()
    {
        var ready = false;
        if (_preparing.Count >= MaxConcurrentPreparations || _queue.HeadsAwaitingRequirements.Count == 0)
        {
            return ready;
        }

        foreach (var head in _queue.HeadsAwaitingRequirements.ToArray())
        {
            if (_preparing.Count >= MaxConcurrentPreparations)
            {
                break;
            }

            if (_payloads.TryGetValue(head.JobId, out var known))
            {
                if (RequirementsOf(head.JobId, known) is { } requirements)
                {
                    ready |= _queue.SetRequirements(head.JobId, requirements);
                }
                else
                {
                    _payloads.Remove(head.JobId);
                    _queue.Remove(head.JobId);
                }

                continue;
            }

            if (_preparing.Add(head.JobId))
            {
                var refreshUser = !_userReadAtMs.TryGetValue(head.UserId, out var readAt) || NowMs - readAt >= (long)_options.UserRefresh.TotalMilliseconds;
                _ = PrepareAsync(head.JobId, head.UserId, refreshUser);
            }
        }

        return ready;
    }

    private async Task PrepareAsync(Guid jobId, long userId, bool refreshUser)
    {
        Jobs.JobPayload? payload = null;
        JobRequirements? requirements = null;
        User? user = null;
        try
        {
            payload = await _store.GetPayloadAsync(jobId, _stopping);
            requirements = payload is null ? null : RequirementsOf(jobId, payload);
            if (requirements is null)
            {
                payload = null;
            }

            user = refreshUser ? await _users.GetUserAsync(userId, _stopping) : null;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            SchedulingLog.WorkFailed(_logger, jobId, ex);
            payload = null;
        }

        Post(new Command.Prepared(jobId, payload, requirements, user));
    }

    /// <summary>
    /// The requirements stored with the job at submit, or (a job stored before they were) read from its graph. A graph
    /// that cannot be read can never run: the job fails with the reason, once, instead of waiting forever.
    /// </summary>
    private JobRequirements? RequirementsOf(Guid jobId, Jobs.JobPayload payload)
    {
        if (payload.Requirements is { } stored)
        {
            return stored;
        }

        if (JobRequirements.FromPrompt(payload.PromptJson, out var error) is { } read)
        {
            return read;
        }

        _ = Guard(jobId, () => FailUnrunnableAsync(jobId, $"The job's workflow cannot be read: {error}"));
        return null;
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
                case FairQueueDecision.Assign assign when _payloads.Remove(assign.Job.JobId, out var payload):
                    StartDispatch(assign.Job, assign.Worker, payload);
                    break;
                case FairQueueDecision.Assign unread:
                    // Its graph is not in memory (never expected): back in line, to be read again first.
                    _queue.Release(unread.Job.JobId);
                    _queue.Enqueue(new QueuedJob(unread.Job.JobId, unread.Job.UserId, unread.Job.Sequence));
                    break;
                case FairQueueDecision.Unrunnable unrunnable:
                    _payloads.Remove(unrunnable.Job.JobId);
                    _ = Guard(unrunnable.Job.JobId, () => FailUnrunnableAsync(unrunnable.Job.JobId, unrunnable.Reason));
                    break;
            }
        }

        return decided;
    }

    /// <summary>Brings the queue's view of a worker up to date with the pool's worker of that name (or its absence).</summary>
    private void SyncWorker(IWorker reported)
    {
        if (_pool.Find(reported.Name) is not { } worker)
        {
            StopOfflineClock(reported.Name);
            _leftBehind.ForgetWorker(reported.Name, current: null);
            _queue.RemoveWorker(reported.Name);
            return;
        }

        _leftBehind.ForgetWorker(worker.Name, worker);
        var state = worker.State;
        if (state is WorkerState.Online or WorkerState.Draining)
        {
            AskAboutLeftBehind(worker);
        }

        if (state == WorkerState.Offline)
        {
            StartOfflineClock(worker);
        }
        else
        {
            StopOfflineClock(worker.Name);
        }

        var availability = state switch
        {
            // Not while it is asked about the jobs it was left with: it could be handed a copy of one of them.
            WorkerState.Online => _leftBehind.IsHeld(worker) ? WorkerAvailability.Unavailable : WorkerAvailability.Accepting,
            WorkerState.Draining => WorkerAvailability.Retired,
            _ => WorkerAvailability.Unavailable,
        };
        _queue.SetWorker(worker.Name, worker.Capabilities, worker.Slots, availability);
        if (state is WorkerState.Online or WorkerState.Draining)
        {
            ReconcileUnconfirmed(worker);
        }
    }

    /// <summary>A worker refused a job as unavailable: it gets nothing until it reports a change or <see cref="UnavailablePause"/> passes.</summary>
    private void PauseWorker(IWorker worker)
    {
        if (ReferenceEquals(_pool.Find(worker.Name), worker))
        {
            _queue.SetWorker(worker.Name, worker.Capabilities, worker.Slots, WorkerAvailability.Unavailable);
        }
    }

    /// <summary>
    /// Pauses a worker (on the loop) and sets the clock that brings it back. The timer is kept referenced until it
    /// fires: an unreferenced timer may be collected before it does, and the worker would stay paused.
    /// </summary>
    private void Pause(IWorker worker)
    {
        Post(new Command.WorkerPaused(worker));
        var key = new object();
        var timer = _time.CreateTimer(
            _ =>
            {
                if (_pauses.TryRemove(key, out var fired))
                {
                    fired.Dispose();
                }

                Post(new Command.WorkerChanged(worker));
            },
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        _pauses[key] = timer;
        timer.Change(UnavailablePause, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How long a worker that said it cannot take a job is left alone.</summary>
    internal static readonly TimeSpan UnavailablePause = TimeSpan.FromSeconds(5);

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Runs dispatcher work off the loop; a failure is logged, never lost silently.</summary>
    private async Task Guard(Guid jobId, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            SchedulingLog.WorkFailed(_logger, jobId, ex);
        }
    }
}
