using System.Net.WebSockets;

namespace Gantry.Events;

/// <summary>
/// One client's <c>/ws</c> connection: a writer loop that sends the user's frames in order, and a reader loop that
/// answers the client's <c>feature_flags</c> and notices when the client goes. Only the writer loop ever sends,
/// so frames need no lock and no copy; a frame is sent as it was published (type-4 previews become type 1 for
/// clients that did not ask for metadata, converted once per frame, not per socket).
/// </summary>
public sealed partial class EventSocket
{
    private readonly WebSocket _socket;
    private readonly EventSubscription _subscription;
    private readonly EventFrame _featureFlagsReply;
    private readonly TimeSpan _closeTimeout;
    private readonly int _capacity;
    private readonly ILogger _logger;
    private CancellationTokenSource? _abortAfterStop;
    private int _stopReason;
    private volatile bool _previewMetadata;

    /// <param name="socket">The accepted socket.</param>
    /// <param name="hub">Where the user's frames come from.</param>
    /// <param name="userId">Whose frames this socket receives.</param>
    /// <param name="capacity">How many frames the socket may fall behind before it is closed.</param>
    /// <param name="featureFlagsReply">The server's <c>feature_flags</c> message, sent in reply to the client's.</param>
    /// <param name="closeTimeout">How long a close (or a send to a stalled client being closed) may take.</param>
    /// <param name="logger">For connection troubles, at debug level.</param>
    public EventSocket(WebSocket socket, EventHub hub, long userId, int capacity, EventFrame featureFlagsReply, TimeSpan closeTimeout, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(hub);
        _socket = socket;
        _capacity = capacity;
        _featureFlagsReply = featureFlagsReply;
        _closeTimeout = closeTimeout;
        _logger = logger;
        _subscription = hub.Subscribe(userId, capacity, () => Stop(StopReason.TooSlow));
    }

    /// <summary>Why the socket ended (the close it sends depends on it); <see cref="StopReason.None"/> while it runs.</summary>
    public StopReason Reason => (StopReason)Volatile.Read(ref _stopReason);

    /// <summary>
    /// Sends the greeting <paramref name="greeting"/> makes (the socket is already subscribed when it runs), then the
    /// user's frames until the client closes, the socket falls too far behind (closed with 1008), or
    /// <paramref name="shuttingDown"/> fires (closed with 1001).
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task<byte[]>> greeting, CancellationToken shuttingDown, CancellationToken aborted)
    {
        // Sends take no token: a cancellable one costs ManagedWebSocket an allocation per send. A send stuck on a
        // client that stopped reading is ended instead by aborting the socket, once per socket (see Stop).
        using var abortAfterStop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        using var onAbort = abortAfterStop.Token.Register(static state => ((WebSocket)state!).Abort(), _socket);
        _abortAfterStop = abortAfterStop;
        if (Reason != StopReason.None)
        {
            abortAfterStop.CancelAfter(_closeTimeout);
        }

        using var onShutdown = shuttingDown.Register(static state => ((EventSocket)state!).Stop(StopReason.ShuttingDown), this);
        var reading = Task.CompletedTask;
        try
        {
            var first = await greeting(aborted);
            await _socket.SendAsync(first, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            reading = ReadAsync(aborted);
            await WriteAsync();
            await CloseAsync(reading);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            LogSocketLost(_logger, _subscription.UserId, ex.Message);
            Stop(StopReason.ClientGone);
            _socket.Abort();
        }
        finally
        {
            Stop(StopReason.ClientGone);
            await reading;
            _abortAfterStop = null;
        }
    }

    /// <summary>Runs the reader loop (<see cref="ClientMessageReader"/>) and stops the socket when the client closes or goes.</summary>
    private async Task ReadAsync(CancellationToken cancellationToken) =>
        Stop(await new ClientMessageReader(_socket).ReadAsync(OnFeatureFlags, cancellationToken));

    /// <summary>Answers the client's <c>feature_flags</c> with the server's and remembers <c>supports_preview_metadata</c>.</summary>
    private void OnFeatureFlags(bool previewMetadata)
    {
        _previewMetadata = previewMetadata;
        _subscription.Offer(_featureFlagsReply);
    }

    private async Task WriteAsync()
    {
        var reader = _subscription.Reader;

        // No token on the wait: Stop completes the channel, which ends the wait without a per-wait registration.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (Volatile.Read(ref _stopReason) == 0 && reader.TryRead(out var frame))
            {
                await SendAsync(frame);
            }

            if (Volatile.Read(ref _stopReason) != 0)
            {
                return;
            }
        }
    }

    private ValueTask SendAsync(EventFrame frame)
    {
        if (!frame.IsBinary)
        {
            return _socket.SendAsync(frame.Payload, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }

        var payload = frame.Payload;
        if (!_previewMetadata && frame.IsPreviewWithMetadata)
        {
            payload = frame.LegacyPreview;
            if (payload.IsEmpty)
            {
                return ValueTask.CompletedTask;
            }
        }

        return _socket.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
    }

    private async Task CloseAsync(Task reading)
    {
        var (status, description) = Reason switch
        {
            StopReason.ClientClosed => (_socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null),
            StopReason.TooSlow => (WebSocketCloseStatus.PolicyViolation, $"Too slow: the client fell more than {_capacity} messages behind."),
            StopReason.ShuttingDown => (WebSocketCloseStatus.EndpointUnavailable, "The server is shutting down."),
            StopReason.Revoked => (WebSocketCloseStatus.PolicyViolation, "The API key was revoked."),
            _ => ((WebSocketCloseStatus?)null, (string?)null),
        };

        if (status is null)
        {
            _socket.Abort();
            return;
        }

        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(_closeTimeout);
            await _socket.CloseOutputAsync(status.Value, description, timeout.Token);
        }

        // The client answers with its own close, which ends the reader; a client that never does is dropped.
        try
        {
            await reading.WaitAsync(_closeTimeout);
        }
        catch (TimeoutException)
        {
            _socket.Abort();
        }
    }

    /// <summary>Ends the socket because its key no longer authenticates: closed with 1008 (policy violation).</summary>
    public void Revoke() => Stop(StopReason.Revoked);

    /// <summary>Ends the socket for <paramref name="reason"/> (the first reason wins): no more frames are taken.</summary>
    private void Stop(StopReason reason)
    {
        if (Interlocked.CompareExchange(ref _stopReason, (int)reason, 0) != 0)
        {
            return;
        }

        _subscription.Dispose();
        try
        {
            // A send blocked on a client that stopped reading gets the close timeout, then the socket is aborted.
            _abortAfterStop?.CancelAfter(_closeTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The socket already finished.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event socket of user {UserId} lost: {Reason}")]
    private static partial void LogSocketLost(ILogger logger, long userId, string reason);
}

/// <summary>Why an <see cref="EventSocket"/> ended.</summary>
public enum StopReason
{
    None = 0,

    /// <summary>The client sent a close frame.</summary>
    ClientClosed = 1,

    /// <summary>The client vanished or the connection broke.</summary>
    ClientGone = 2,

    /// <summary>The client fell too far behind; closed with 1008 (policy violation).</summary>
    TooSlow = 3,

    /// <summary>The server is stopping; closed with 1001 (going away).</summary>
    ShuttingDown = 4,

    /// <summary>The socket's API key was revoked (or its user removed); closed with 1008 (policy violation).</summary>
    Revoked = 5,
}
