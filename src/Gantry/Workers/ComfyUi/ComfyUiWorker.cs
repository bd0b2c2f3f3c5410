using Gantry.Domain;
using Gantry.Engine.Json;
using Gantry.Outputs;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Drives one real ComfyUI over its own protocol: one WebSocket under one <c>client_id</c>, prompts posted with
/// Gantry's job id as <c>prompt_id</c>, results read from <c>/history</c> and <c>/view</c> into Gantry's content
/// store, cancels through <c>/queue</c> and <c>/interrupt</c>. Survives a worker that starts slowly, drops its
/// socket, restarts, dies mid-job or talks nonsense; what it learns reaches the dispatcher through
/// <see cref="IWorkerCallbacks"/>.
/// A thin coordinator over collaborators that each own their state: <see cref="ComfyUiConnection"/> (the socket and
/// reconnects), <see cref="ComfyUiCatalog"/> (what it can run), <see cref="ComfyUiEventRouter"/> (socket messages, read
/// by <see cref="ComfyUiMessages"/>), <see cref="ComfyUiSubmission"/> (POST /prompt), <see cref="ComfyUiJobCompletion"/>
/// (history → outcome), <see cref="ComfyUiReconciler"/> (where held jobs are) and <see cref="ComfyUiCanceller"/>.
/// </summary>
public sealed class ComfyUiWorker : IWorker
{
    private readonly ComfyUiWorkerContext _context;
    private readonly ComfyUiWorkerStatus _status;
    private readonly ComfyUiCatalog _catalog;
    private readonly ComfyUiConnection _connection;
    private readonly ComfyUiEventRouter _router;
    private readonly ComfyUiSubmission _submission;
    private readonly ComfyUiReconciler _reconciler;
    private readonly ComfyUiCanceller _canceller;
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
        var authHeader = WorkerAuthHeader.Parse(registration.AuthHeader);
        var baseAddress = new Uri(url.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        ClientId = Guid.NewGuid().ToString("N");
        _context = new ComfyUiWorkerContext(this, ClientId, new ComfyUiClient(baseAddress, authHeader, options), options, time, logger);
        _status = new ComfyUiWorkerStatus(registration.Draining);
        _catalog = new ComfyUiCatalog(_context, _status);
        var completion = new ComfyUiJobCompletion(_context, importer);
        _canceller = new ComfyUiCanceller(_context, completion);
        _router = new ComfyUiEventRouter(_context, completion, _canceller);
        _reconciler = new ComfyUiReconciler(_context, completion, _router);
        _submission = new ComfyUiSubmission(_context);
        _connection = new ComfyUiConnection(
            _context, ComfyUiSocket.AddressFor(baseAddress, ClientId), authHeader, _status, _catalog, _reconciler, _router, completion);
    }

    public string Name { get; }

    public string Kind => "comfyui";

    public string? Url { get; }

    /// <summary>The <c>client_id</c> this worker's prompts and its one WebSocket use.</summary>
    public string ClientId { get; }

    /// <summary><c>system.comfyui_version</c> from the last probe (null before it, or on builds too old to say).</summary>
    public string? ComfyUiVersion => _catalog.ComfyUiVersion;

    /// <summary><c>GET /features</c> from the last probe, raw; null on builds without it.</summary>
    public string? FeaturesJson => _catalog.FeaturesJson;

    public WorkerState State => _status.State;

    public string? LastError => _status.LastError;

    public WorkerCapabilities? Capabilities => _catalog.Capabilities;

    public int Slots => 1 + Math.Max(0, _context.Options.Prefetch);

    /// <summary>Jobs the worker holds now (queued, running, or ending).</summary>
    public int HeldJobs => _context.Jobs.Count;

    /// <summary>True while the WebSocket is up (events are arriving).</summary>
    public bool IsConnected => _connection.IsConnected;

    public Task StartAsync(IWorkerCallbacks callbacks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_context.TrySetCallbacks(callbacks))
        {
            throw new InvalidOperationException($"Worker '{Name}' was started already.");
        }

        _context.Background.Run(_connection.RunAsync);
        _context.Background.Run(_catalog.RefreshAsync);
        _context.Background.Run(stop => _reconciler.PollUnwatchedJobsAsync(() => _connection.IsConnected, stop));
        return Task.CompletedTask;
    }

    public async Task SubmitAsync(WorkerJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        _ = _context.Callbacks;
        if (_context.Jobs.Find(job.JobId) is { Accepted: true })
        {
            return;
        }

        if (_status.Refusal(_connection.IsConnected) is { } why)
        {
            throw new WorkerUnavailableException($"Worker '{Name}' {why}.");
        }

        if (ComfyJson.TryParse(job.PromptJson) is not JObject prompt)
        {
            throw new WorkerRejectedJobException("The prompt is not a JSON object.");
        }

        await _submission.UploadInputsAsync(job, prompt, cancellationToken);

        var tracked = new TrackedJob(job, accepted: false);
        if (!_context.Jobs.TryAdd(tracked))
        {
            throw new WorkerUnavailableException($"Worker '{Name}' is already submitting job {job.JobId}.");
        }

        var generation = _connection.Generation;
        bool adopted;
        try
        {
            adopted = await _submission.PostPromptAsync(job, cancellationToken);
        }
        catch
        {
            _context.Jobs.Forget(tracked);
            throw;
        }

        _router.Accept(tracked);
        if (adopted || _connection.Generation != generation)
        {
            // The prompt was already on the worker, or the socket was replaced while the POST was out (the reconnect's
            // reconcile skipped this job): its events may have gone elsewhere. Look it up once now.
            _context.Background.Run(ct => _reconciler.SettleAllAsync([tracked], ct));
        }
    }

    public Task CancelAsync(Guid jobId, CancellationToken cancellationToken) => _canceller.CancelAsync(jobId, cancellationToken);

    /// <summary>
    /// Where a job the dispatcher believes is here is now (after Gantry restarted or the socket was down): the queue,
    /// then the history; a job found finished is ended from it, one found nowhere is dropped (the dispatcher requeues it).
    /// </summary>
    public Task<WorkerJobPresence> ReconcileAsync(WorkerJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        _ = _context.Callbacks;
        return _reconciler.ReconcileAsync(job, cancellationToken);
    }

    public void Drain()
    {
        if (_status.Drain())
        {
            _context.Notify(c => c.OnWorkerChanged(this));
        }
    }

    public void Resume()
    {
        if (_status.Resume())
        {
            _context.Notify(c => c.OnWorkerChanged(this));
        }
    }

    /// <summary>Passes a <c>POST /free</c> on to the worker (unload models, free cached memory).</summary>
    public Task FreeAsync(bool unloadModels, bool freeMemory, CancellationToken cancellationToken)
        => _context.Client.FreeAsync(unloadModels, freeMemory, cancellationToken);

    /// <summary>The metadata embedded in one of its model files (JSON), or null (see <see cref="ComfyUiModelFiles"/>).</summary>
    public Task<byte[]?> ModelMetadataAsync(string folder, string filename, CancellationToken cancellationToken)
        => new ComfyUiModelFiles(_context.Client, _context.Options).MetadataAsync(folder, filename, cancellationToken);

    /// <summary>The preview image (WebP) of one of its model files, or null (see <see cref="ComfyUiModelFiles"/>).</summary>
    public Task<byte[]?> ModelPreviewAsync(string folder, int pathIndex, string filename, CancellationToken cancellationToken)
        => new ComfyUiModelFiles(_context.Client, _context.Options).PreviewAsync(folder, pathIndex, filename, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _context.Stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_context.Background.Running()).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or ComfyUiRequestException)
        {
            // Shutting down: whatever was in flight is reconciled at the next start.
        }

        _context.Client.Dispose();
        _context.Stopping.Dispose();
        _catalog.Dispose();
    }

    public override string ToString() => $"{Name} ({Url})";
}
