using System.Collections.Concurrent;
using System.Threading.Channels;
using Gantry.Engine;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;
using Gantry.Outputs;

namespace Gantry.Workers.Embedded;

/// <summary>
/// Runs jobs in this process on the built-in engine, one at a time; up to <see cref="Slots"/> jobs wait in it
/// (the running one plus the prefetched). It speaks to the dispatcher exactly as a ComfyUI worker does: engine
/// events become ComfyUI WebSocket messages, outputs are imported into the content store, the outcome is
/// reported, and ComfyUI's final <c>executing {node: null}</c> follows the report.
/// </summary>
public sealed partial class EmbeddedWorker : IWorker
{
    private readonly ComfyEngine _engine;
    private readonly NodeResultCache _cache;
    private readonly string _outputDirectory;
    private readonly string _tempDirectory;
    private readonly OutputImporter _importer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
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
        _importer = importer;
        _time = time;
        _logger = logger;
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
        _outboxLoop = Task.Run(RunOutboxAsync, CancellationToken.None);
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

        var run = Prepare(job);
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
            var cancelled = CancelledBeforeRun(run);
            Report(run, () => Task.FromResult(cancelled), completion: null);
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

    public void Drain()
    {
        IWorkerCallbacks? callbacks;
        lock (_gate)
        {
            if (_state == WorkerState.Draining)
            {
                return;
            }

            _state = WorkerState.Draining;
            callbacks = _callbacks;
        }

        callbacks?.OnWorkerChanged(this);
    }

    public void Resume()
    {
        IWorkerCallbacks? callbacks;
        lock (_gate)
        {
            if (_state != WorkerState.Draining)
            {
                return;
            }

            _state = WorkerState.Online;
            callbacks = _callbacks;
        }

        callbacks?.OnWorkerChanged(this);
    }

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

        await CloseOutboxAsync();
        _stopping.Dispose();
    }

    public override string ToString() => $"{Name} (embedded)";

    /// <summary>
    /// Validates the graph as the engine sees it (the user's uploads are its input folder); a refusal is final.
    /// The job writes into its user's own output and temp folders, so one user's file names and counters
    /// (<c>prefix_00002_.png</c>) say nothing about another's.
    /// </summary>
    private EmbeddedRun Prepare(WorkerJob job)
    {
        var user = UserFolder(job.UserId);
        var folders = new EngineFolders(job.InputDirectory, Path.Combine(_outputDirectory, user), Path.Combine(_tempDirectory, user));
        if (!JParser.TryParse(job.PromptJson, out var prompt, out var parseError))
        {
            throw new WorkerRejectedJobException($"Invalid prompt: {parseError}");
        }

        var targets = job.OutputsToExecute.Count > 0 ? job.OutputsToExecute : null;
        var validation = _engine.Validate(prompt, folders, targets?.ToArray());
        if (validation.Error is { } error)
        {
            var details = string.IsNullOrEmpty(error.Details) ? "" : $": {error.Details}";
            throw new WorkerRejectedJobException($"{error.Message}{details}", validation.ToErrorResponse().ToJsonBytes());
        }

        var extraData = job.ExtraDataJson is { } extra && JParser.TryParse(extra, out var parsed, out _) && parsed is JObject extraObject
            ? extraObject
            : JObject.Empty;
        return new EmbeddedRun(job, validation.Prompt!, validation.Outputs, extraData, folders);
    }

    /// <summary>The name of a user's folder in the worker's output and temp folders; also the user's cache scope.</summary>
    internal static string UserFolder(long userId) => $"user-{userId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

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

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
