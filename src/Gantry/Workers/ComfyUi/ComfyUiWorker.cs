using System.Collections.Concurrent;
using Gantry.Domain;
using Gantry.Outputs;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Drives one real ComfyUI over its own protocol: one WebSocket under one <c>client_id</c>, prompts posted with
/// Gantry's job id as <c>prompt_id</c>, results read from <c>/history</c> and <c>/view</c> into Gantry's content
/// store, cancels through <c>/queue</c> and <c>/interrupt</c>. Survives a worker that starts slowly, drops its
/// socket, restarts, dies mid-job or talks nonsense; what it learns reaches the dispatcher through
/// <see cref="IWorkerCallbacks"/>. Split by concern: connection, socket messages, submit, completion, cancel, reconcile.
/// </summary>
public sealed partial class ComfyUiWorker : IWorker
{
    private readonly ComfyUiWorkerOptions _options;
    private readonly OutputImporter _importer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ComfyUiClient _client;
    private readonly WorkerAuthHeader? _authHeader;
    private readonly Uri _socketAddress;
    private readonly ConcurrentDictionary<Guid, TrackedJob> _jobs = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _background = [];
    private IWorkerCallbacks? _callbacks;
    private Task? _connection;
    private Task? _refresh;
    private Task? _polling;
    private WorkerState _state = WorkerState.Starting;
    private string? _lastError;
    private WorkerCapabilities? _capabilities;
    private string? _catalogFingerprint;
    private bool _draining;
    private Guid? _runningJobId;
    private bool? _hasJobsCancelRoute;
    private int _disposed;

    public ComfyUiWorker(WorkerRegistration registration, ComfyUiWorkerOptions options, OutputImporter importer, TimeProvider time, ILogger<ComfyUiWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (!Uri.TryCreate(registration.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"A ComfyUI worker URL must be an absolute http(s) URL, not '{registration.Url}'.", nameof(registration));
        }

        Name = registration.Name;
        Url = registration.Url;
        _options = options;
        _importer = importer;
        _time = time;
        _logger = logger;
        _draining = registration.Draining;
        _authHeader = WorkerAuthHeader.Parse(registration.AuthHeader);
        var baseAddress = new Uri(url.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        _client = new ComfyUiClient(baseAddress, _authHeader, options);
        ClientId = Guid.NewGuid().ToString("N");
        _socketAddress = ComfyUiSocket.AddressFor(baseAddress, ClientId);
    }

    public string Name { get; }

    public string Kind => "comfyui";

    public string? Url { get; }

    /// <summary>The <c>client_id</c> this worker's prompts and its one WebSocket use.</summary>
    public string ClientId { get; }

    /// <summary><c>system.comfyui_version</c> from the last probe (null before it, or on builds too old to say).</summary>
    public string? ComfyUiVersion { get; private set; }

    /// <summary><c>GET /features</c> from the last probe, raw; null on builds without it.</summary>
    public string? FeaturesJson { get; private set; }

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

    public string? LastError
    {
        get
        {
            lock (_gate)
            {
                return _lastError;
            }
        }
    }

    public WorkerCapabilities? Capabilities
    {
        get
        {
            lock (_gate)
            {
                return _capabilities;
            }
        }
    }

    public int Slots => 1 + Math.Max(0, _options.Prefetch);

    /// <summary>Jobs the worker holds now (queued, running, or ending).</summary>
    public int HeldJobs => _jobs.Count;

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
        }

        _connection = Task.Run(() => RunConnectionAsync(_stopping.Token), CancellationToken.None);
        _refresh = Task.Run(() => RefreshCatalogAsync(_stopping.Token), CancellationToken.None);
        _polling = Task.Run(() => PollUnwatchedJobsAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public void Drain()
    {
        bool changed;
        lock (_gate)
        {
            _draining = true;
            changed = _state == WorkerState.Online;
            if (changed)
            {
                _state = WorkerState.Draining;
            }
        }

        if (changed)
        {
            Notify(c => c.OnWorkerChanged(this));
        }
    }

    public void Resume()
    {
        bool changed;
        lock (_gate)
        {
            _draining = false;
            changed = _state == WorkerState.Draining;
            if (changed)
            {
                _state = WorkerState.Online;
            }
        }

        if (changed)
        {
            Notify(c => c.OnWorkerChanged(this));
        }
    }

    /// <summary>Passes a <c>POST /free</c> on to the worker (unload models, free cached memory).</summary>
    public Task FreeAsync(bool unloadModels, bool freeMemory, CancellationToken cancellationToken)
        => _client.FreeAsync(unloadModels, freeMemory, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        Task[] running;
        lock (_gate)
        {
            running = [.. _background, _connection ?? Task.CompletedTask, _refresh ?? Task.CompletedTask, _polling ?? Task.CompletedTask];
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or ComfyUiRequestException)
        {
            // Shutting down: whatever was in flight is reconciled at the next start.
        }

        _client.Dispose();
        _stopping.Dispose();
    }

    public override string ToString() => $"{Name} ({Url})";

    private IWorkerCallbacks Callbacks => _callbacks ?? throw new InvalidOperationException($"Worker '{Name}' has not been started.");

    /// <summary>Calls the dispatcher; a callback that throws is logged, never allowed to break the worker's loops.</summary>
    private void Notify(Action<IWorkerCallbacks> call)
    {
        try
        {
            call(Callbacks);
        }
        catch (Exception ex)
        {
            ComfyUiWorkerLog.CallbackFailed(_logger, Name, ex);
        }
    }

    /// <summary>Runs work off the socket loop and keeps it so disposal can wait for it.</summary>
    private void RunInBackground(Func<CancellationToken, Task> work)
    {
        var task = Task.Run(
            async () =>
            {
                try
                {
                    await work(_stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    // Shutting down.
                }
                catch (Exception ex)
                {
                    ComfyUiWorkerLog.Unexpected(_logger, Name, ex);
                }
            },
            CancellationToken.None);
        lock (_gate)
        {
            _background.Add(task);
            _background.RemoveAll(t => t.IsCompleted);
        }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
