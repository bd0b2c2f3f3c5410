namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The life of a worker's one WebSocket: probe over HTTP, connect, wait for the greeting, settle what happened while
/// it was down, then read frames until it closes; then offline, and again after a backoff. While HTTP answers but the
/// socket does not, held jobs are followed by polling; a worker unreachable for longer than
/// <see cref="ComfyUiWorkerOptions.JobLostAfter"/> loses what it holds.
/// </summary>
internal sealed class ComfyUiConnection(
    ComfyUiWorkerContext context,
    Uri socketAddress,
    WorkerAuthHeader? authHeader,
    ComfyUiWorkerStatus status,
    ComfyUiCatalog catalog,
    ComfyUiReconciler reconciler,
    ComfyUiEventRouter router,
    ComfyUiJobCompletion completion)
{
    private const string ClosedByWorker = "the worker closed the WebSocket";
    private volatile ComfyUiSocket? _socket;
    private int _generation;

    /// <summary>True while the WebSocket is up (events are arriving).</summary>
    public bool IsConnected => _socket is not null;

    /// <summary>Counts the sockets taken into use: a change means events may have gone to another socket meanwhile.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>The wait before the next attempt: the backoff's, but never longer than a poll while jobs are held.</summary>
    public static TimeSpan RetryDelay(TimeSpan backoff, bool holdsJobs, TimeSpan pollInterval)
        => holdsJobs && backoff > pollInterval ? pollInterval : backoff;

    /// <summary>Whether a worker unreachable since <paramref name="since"/> has been so for too long to keep its jobs.</summary>
    public static bool GoneTooLong(DateTimeOffset since, DateTimeOffset now, TimeSpan jobLostAfter) => now - since >= jobLostAfter;

    public async Task RunAsync(CancellationToken stop)
    {
        var options = context.Options;
        var backoff = new ReconnectBackoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay, options.ReconnectJitter);
        DateTimeOffset? unreachableSince = null;
        while (!stop.IsCancellationRequested)
        {
            string reason;
            var httpAnswered = false;
            try
            {
                await catalog.ProbeAsync(stop);
                httpAnswered = true;
                unreachableSince = null;
                using var socket = await ComfyUiSocket.ConnectAsync(socketAddress, authHeader, options, stop);
                reason = await RunSocketAsync(socket, backoff, stop);
            }
            catch (ComfyUiRequestException ex)
            {
                reason = ex.Message;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                ComfyUiWorkerLog.Unexpected(context.Logger, context.Name, ex);
                reason = ex.Message;
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            var delay = RetryDelay(backoff.NextDelay(), !context.Jobs.IsEmpty, options.PollInterval);
            status.Set(context, catalog, WorkerState.Offline, reason);
            ComfyUiWorkerLog.Offline(context.Logger, context.Name, reason, delay);
            if (httpAnswered)
            {
                // The socket is down but HTTP answers: follow the held jobs by polling.
                await reconciler.SettleHeldJobsAsync(stop);
            }
            else
            {
                unreachableSince ??= context.Time.GetUtcNow();
                LoseHeldJobsIfGoneTooLong(unreachableSince.Value, reason);
            }

            await Task.Delay(delay, context.Time, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Reads the socket until it closes; returns why it ended.</summary>
    private async Task<string> RunSocketAsync(ComfyUiSocket socket, ReconnectBackoff backoff, CancellationToken stop)
    {
        // ComfyUI registers the socket under our client id just before it greets; wait for the greeting so
        // prompts posted from now on have their events routed to us. Servers that do not greet are accepted after a while.
        var next = socket.ReceiveAsync(stop);
        using (var greeting = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            await Task.WhenAny(next, Task.Delay(context.Options.GreetingTimeout, context.Time, greeting.Token));
            await greeting.CancelAsync();
        }

        stop.ThrowIfCancellationRequested();
        _socket = socket;
        Interlocked.Increment(ref _generation);
        try
        {
            backoff.Reset();
            // Settle what happened while the socket was down before taking new work (online again after that).
            if (await reconciler.AfterReconnectAsync(socket, next, () => status.Set(context, catalog, WorkerState.Online, null), stop) is not { } reading)
            {
                return ClosedByWorker;
            }

            next = reading;
            while (true)
            {
                var frame = await next;
                if (frame is null)
                {
                    return ClosedByWorker;
                }

                router.Handle(frame.Value);
                next = socket.ReceiveAsync(stop);
            }
        }
        finally
        {
            _socket = null;
            socket.Abort();
        }
    }

    private void LoseHeldJobsIfGoneTooLong(DateTimeOffset unreachableSince, string reason)
    {
        var now = context.Time.GetUtcNow();
        if (!GoneTooLong(unreachableSince, now, context.Options.JobLostAfter))
        {
            return;
        }

        var gone = now - unreachableSince;
        foreach (var job in context.Jobs.Accepted())
        {
            context.Background.Run(_ => completion.LoseAsync(job, $"worker '{context.Name}' has been unreachable for {gone.TotalSeconds:0.#} s ({reason})"));
        }
    }
}
