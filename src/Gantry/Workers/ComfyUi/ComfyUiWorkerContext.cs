namespace Gantry.Workers.ComfyUi;

/// <summary>
/// What every part of one <see cref="ComfyUiWorker"/> shares and nobody owns alone: the worker's name and client id,
/// its HTTP client, options, clock and log, the jobs it holds, the dispatcher's callbacks, and the background work
/// that disposal waits for. Holds no decisions of its own.
/// </summary>
internal sealed class ComfyUiWorkerContext
{
    private IWorkerCallbacks? _callbacks;

    public ComfyUiWorkerContext(IWorker worker, string clientId, ComfyUiClient client, ComfyUiWorkerOptions options, TimeProvider time, ILogger logger)
    {
        Worker = worker;
        ClientId = clientId;
        Client = client;
        Options = options;
        Time = time;
        Logger = logger;
        Background = new ComfyUiBackground(logger, worker.Name, Stopping.Token);
    }

    /// <summary>The worker as the dispatcher knows it (what every callback names).</summary>
    public IWorker Worker { get; }

    public string Name => Worker.Name;

    public string ClientId { get; }

    public ComfyUiClient Client { get; }

    public ComfyUiWorkerOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public ComfyUiJobTable Jobs { get; } = new();

    /// <summary>Cancelled when the worker is disposed.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    public ComfyUiBackground Background { get; }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public IWorkerCallbacks Callbacks => Volatile.Read(ref _callbacks) ?? throw new InvalidOperationException($"Worker '{Name}' has not been started.");

    /// <summary>Sets the callbacks once; false when they were set already.</summary>
    public bool TrySetCallbacks(IWorkerCallbacks callbacks) => Interlocked.CompareExchange(ref _callbacks, callbacks, null) is null;

    /// <summary>Calls the dispatcher; a callback that throws is logged, never allowed to break the worker's loops.</summary>
    public void Notify(Action<IWorkerCallbacks> call)
    {
        try
        {
            call(Callbacks);
        }
        catch (Exception ex)
        {
            ComfyUiWorkerLog.CallbackFailed(Logger, Name, ex);
        }
    }
}
