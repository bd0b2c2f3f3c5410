using System.Collections.Concurrent;
using System.Threading.Channels;
using Gantry.Engine;
using Gantry.Engine.Execution;
using Gantry.Outputs;

namespace Gantry.Workers.Embedded;

/// <summary>
/// Runs jobs in this process on the built-in engine, one at a time; up to <see cref="Slots"/> jobs wait in it
/// (the running one plus the prefetched). It speaks to the dispatcher exactly as a ComfyUI worker does: engine
/// events become ComfyUI WebSocket messages, outputs are imported into the content store, the outcome is
/// reported, then ComfyUI's final <c>executing {node: null}</c> (all through <see cref="EmbeddedReporter"/>).
/// </summary>
public sealed class EmbeddedWorker : IWorker
{
    private readonly ComfyEngine _engine;
    private readonly NodeResultCache _cache;
    private readonly string _outputDirectory;
    private readonly string _tempDirectory;
    private readonly ILogger _logger;
    private readonly EmbeddedReporter _reporter;
    private readonly Channel<EmbeddedRun> _queue = Channel.CreateUnbounded<EmbeddedRun>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, EmbeddedRun> _runs = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private IWorkerCallbacks? _callbacks;
    private Task _loop = Task.CompletedTask;
    private WorkerState _state = WorkerState.Starting;
    private int _disposed;

    public EmbeddedWorker(
        string name,
        ComfyEngine engine,
        NodeResultCache cache,
        string outputDirectory,
        string tempDirectory,
        int prefetch,
        OutputImporter importer,
        TimeProvider time,
        ILogger<EmbeddedWorker> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _engine = engine;
        _cache = cache;
        _outputDirectory = outputDirectory;
        _tempDirectory = tempDirectory;
        Slots = 1 + Math.Max(0, prefetch);
        _logger = logger;
        _reporter = new EmbeddedReporter(this, importer, time, logger, _stopping.Token);
        Capabilities = new WorkerCapabilities(engine.DescribeNodes(), WorkerCapabilities.NoModels);
    }

    public string Name { get; }

    public string Kind => WorkerPool.EmbeddedKind;

    public string? Url => null;

    public WorkerState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public string? LastError { get; private set; }

    public WorkerCapabilities? Capabilities { get; }

    public int Slots { get; }

    /// <summary>Jobs it holds now (waiting or running).</summary>
    public int HeldJobs => _runs.Count;

    public Task StartAsync(IWorkerCallbacks callbacks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_gate)
        {
            if (_callbacks is not null)
            {
                throw new InvalidOperationException($"Worker '{Name}' was started already.");
            }

            _callbacks = callbacks;
            if (_state == WorkerState.Starting)
            {
                _state = WorkerState.Online;
            }
        }

        Directory.CreateDirectory(_outputDirectory);
        ClearTemp();
        _reporter.Start(callbacks);
        _loop = Task.Run(() => RunLoopAsync(_stopping.Token), CancellationToken.None);
        callbacks.OnWorkerChanged(this);
        return Task.CompletedTask;
    }

    public Task SubmitAsync(WorkerJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var state = State;
        if (Volatile.Read(ref _disposed) != 0 || _callbacks is null || state is WorkerState.Starting or WorkerState.Offline)
        {
            throw new WorkerUnavailableException($"Worker '{Name}' is not running.");
        }

        if (state == WorkerState.Draining)
        {
            throw new WorkerUnavailableException($"Worker '{Name}' is draining and takes no new jobs.");
        }

        var run = EmbeddedRun.Prepare(_engine, job, _outputDirectory, _tempDirectory);
        lock (_gate)
        {
            if (_runs.Count >= Slots)
            {
                run.Dispose();
                throw new WorkerUnavailableException($"Worker '{Name}' is full ({Slots} jobs).");
            }

            if (!_runs.TryAdd(job.JobId, run))
            {
                run.Dispose();
                throw new WorkerUnavailableException($"Worker '{Name}' has job {job.JobId} already.");
            }
        }

        _queue.Writer.TryWrite(run);
        return Task.CompletedTask;
    }

    public Task CancelAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (!_runs.TryGetValue(jobId, out var run))
        {
            return Task.CompletedTask;
        }

        if (run.TryCancelWaiting())
        {
            // Taken out of the queue before it ran: the report goes through the outbox, off the caller's stack.
            _runs.TryRemove(jobId, out _);
            _reporter.ReportCancelledBeforeRun(run);
        }
        else
        {
            run.Interrupt.Cancel();
        }

        return Task.CompletedTask;
    }

    public Task<WorkerJobPresence> ReconcileAsync(WorkerJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var presence = !_runs.TryGetValue(job.JobId, out var run) ? WorkerJobPresence.Unknown
            : run.IsRunning ? WorkerJobPresence.Running
            : WorkerJobPresence.Pending;
        return Task.FromResult(presence);
    }

    public void Drain() => ChangeState(state => state == WorkerState.Draining ? null : WorkerState.Draining);

    public void Resume() => ChangeState(state => state == WorkerState.Draining ? WorkerState.Online : null);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            _state = WorkerState.Offline;
        }

        // Shutting down: what is running is interrupted and not reported; the next start reconciles it.
        await _stopping.CancelAsync();
        _queue.Writer.TryComplete();
        foreach (var run in _runs.Values)
        {
            await run.Interrupt.CancelAsync();
        }

        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // A node that ignores cancellation keeps its thread; the process is going away anyway.
        }

        await _reporter.CloseAsync();
        _stopping.Dispose();
    }

    public override string ToString() => $"{Name} (embedded)";

    /// <summary>Moves to the state <paramref name="next"/> picks (null: stay) and tells the dispatcher when it moved.</summary>
    private void ChangeState(Func<WorkerState, WorkerState?> next)
    {
        IWorkerCallbacks? callbacks;
        lock (_gate)
        {
            if (next(_state) is not { } state)
            {
                return;
            }

            _state = state;
            callbacks = _callbacks;
        }

        callbacks?.OnWorkerChanged(this);
    }

    private void ClearTemp()
    {
        try
        {
            if (Directory.Exists(_tempDirectory))
            {
                Directory.Delete(_tempDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Leftovers from an earlier run do no harm.
        }

        Directory.CreateDirectory(_tempDirectory);
    }

    /// <summary>Runs the queued jobs one after another until the worker is disposed.</summary>
    private async Task RunLoopAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var run in _queue.Reader.ReadAllAsync(stopping))
            {
                if (run.TryStart())
                {
                    await ExecuteAsync(run, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task ExecuteAsync(EmbeddedRun run, CancellationToken stopping)
    {
        var jobId = run.Job.JobId;
        EmbeddedLog.Running(_logger, Name, jobId);
        try
        {
            var request = new ExecutionRequest
            {
                Prompt = run.Prompt,
                PromptId = jobId.ToString("D"),
                OutputsToExecute = run.Outputs,
                ExtraData = run.ExtraData,
                Folders = run.Folders,
                Cache = _cache,
                CacheScope = EmbeddedRun.UserFolder(run.Job.UserId),
            };
            var result = await _engine.ExecuteAsync(request, new EngineEventForwarder(_reporter, run), run.Interrupt.Token);
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            _runs.TryRemove(jobId, out _);
            _reporter.ReportRun(run, result);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            EmbeddedLog.RunFailed(_logger, Name, jobId, ex);
            LastError = $"Job {jobId}: {ex.Message}";
            _runs.TryRemove(jobId, out _);
            _reporter.ReportCrashed(run, ex);
        }
    }
}
