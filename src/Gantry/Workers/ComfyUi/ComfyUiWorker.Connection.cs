using System.Security.Cryptography;
using System.Text;
using Gantry.Engine.Catalog;
using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>Probing, the WebSocket's life, reconnecting with backoff, and what happens to held jobs meanwhile.</summary>
public sealed partial class ComfyUiWorker
{
    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private volatile ComfyUiSocket? _socket;
    private int _socketGeneration;

    /// <summary>True while the WebSocket is up (events are arriving).</summary>
    public bool IsConnected => _socket is not null;

    private async Task RunConnectionAsync(CancellationToken stop)
    {
        var backoff = new ReconnectBackoff(_options.ReconnectInitialDelay, _options.ReconnectMaxDelay, _options.ReconnectJitter);
        DateTimeOffset? unreachableSince = null;
        while (!stop.IsCancellationRequested)
        {
            string reason;
            var httpAnswered = false;
            try
            {
                await ProbeAsync(stop);
                httpAnswered = true;
                unreachableSince = null;
                using var socket = await ComfyUiSocket.ConnectAsync(_socketAddress, _authHeader, _options, stop);
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
                ComfyUiWorkerLog.Unexpected(_logger, Name, ex);
                reason = ex.Message;
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            var delay = backoff.NextDelay();
            if (!_jobs.IsEmpty && delay > _options.PollInterval)
            {
                delay = _options.PollInterval;
            }

            SetState(WorkerState.Offline, reason);
            ComfyUiWorkerLog.Offline(_logger, Name, reason, delay);
            if (httpAnswered)
            {
                // The socket is down but HTTP answers: follow the held jobs by polling.
                await ReconcileHeldJobsAsync(stop);
            }
            else
            {
                unreachableSince ??= _time.GetUtcNow();
                LoseHeldJobsIfGoneTooLong(unreachableSince.Value, reason);
            }

            await Task.Delay(delay, _time, stop).ContinueWith(_ => { }, TaskScheduler.Default);
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
            await Task.WhenAny(next, Task.Delay(_options.GreetingTimeout, _time, greeting.Token));
            await greeting.CancelAsync();
        }

        stop.ThrowIfCancellationRequested();
        _socket = socket;
        Interlocked.Increment(ref _socketGeneration);
        try
        {
            backoff.Reset();
            // Settle what happened while the socket was down before taking new work (online again after that).
            if (await ReconcileAfterReconnectAsync(socket, next, stop) is not { } reading)
            {
                return "the worker closed the WebSocket";
            }

            next = reading;

            while (true)
            {
                var frame = await next;
                if (frame is null)
                {
                    return "the worker closed the WebSocket";
                }

                HandleFrame(frame.Value);
                next = socket.ReceiveAsync(stop);
            }
        }
        finally
        {
            _socket = null;
            socket.Abort();
        }
    }

    private void HandleFrame(ReceivedFrame frame)
    {
        try
        {
            OnFrame(frame);
        }
        catch (Exception ex)
        {
            // Whatever one frame did, the socket loop goes on.
            ComfyUiWorkerLog.Unexpected(_logger, Name, ex);
        }
    }

    /// <summary>Reads health, catalog, model lists and features; tells the dispatcher when the catalog changed.</summary>
    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await _probeGate.WaitAsync(cancellationToken);
        try
        {
            var stats = await _client.GetSystemStatsAsync(cancellationToken);
            var objectInfo = await _client.GetObjectInfoAsync(cancellationToken);
            var models = await _client.GetModelsAsync(cancellationToken);
            var features = await _client.GetFeaturesAsync(cancellationToken);
            ComfyUiVersion = ComfyJson.String(ComfyJson.Object(stats, "system"), "comfyui_version");
            FeaturesJson = features is null ? null : Encoding.UTF8.GetString(ComfyJson.StrictBytes(features));

            var fingerprint = Fingerprint(objectInfo, models);
            bool changed;
            WorkerCapabilities capabilities;
            lock (_gate)
            {
                changed = _catalogFingerprint is not null && _catalogFingerprint != fingerprint;
                if (_catalogFingerprint != fingerprint)
                {
                    _capabilities = new WorkerCapabilities(NodeInfoSet.FromObjectInfo(objectInfo), models);
                    _catalogFingerprint = fingerprint;
                }

                capabilities = _capabilities!;
            }

            if (changed)
            {
                ComfyUiWorkerLog.CatalogChanged(_logger, Name, capabilities.Nodes.Count, capabilities.Models.Count);
                if (State is WorkerState.Online or WorkerState.Draining)
                {
                    Notify(c => c.OnWorkerChanged(this));
                }
            }
        }
        finally
        {
            _probeGate.Release();
        }
    }

    private async Task RefreshCatalogAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.CatalogRefreshInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (State is not (WorkerState.Online or WorkerState.Draining))
                {
                    continue;
                }

                try
                {
                    await ProbeAsync(stop);
                }
                catch (ComfyUiRequestException ex)
                {
                    // The socket loop notices a dead worker; a failed refresh keeps the catalog we have.
                    ComfyUiWorkerLog.RefreshFailed(_logger, Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Moves to a state (draining wins over online) and tells the dispatcher when anything changed.</summary>
    private void SetState(WorkerState state, string? error)
    {
        bool changed;
        lock (_gate)
        {
            if (state == WorkerState.Online && _draining)
            {
                state = WorkerState.Draining;
            }

            changed = _state != state || (error is not null && _lastError != error);
            _state = state;
            _lastError = error ?? (state == WorkerState.Offline ? _lastError : null);
        }

        if (changed)
        {
            if (state is WorkerState.Online or WorkerState.Draining)
            {
                var capabilities = Capabilities;
                ComfyUiWorkerLog.Online(_logger, Name, Auth.Secrets.Redact(Url) ?? "", ComfyUiVersion ?? "unknown", capabilities?.Nodes.Count ?? 0, capabilities?.Models.Count ?? 0);
            }

            Notify(c => c.OnWorkerChanged(this));
        }
    }

    /// <summary>A worker unreachable for longer than <see cref="ComfyUiWorkerOptions.JobLostAfter"/> loses what it holds.</summary>
    private void LoseHeldJobsIfGoneTooLong(DateTimeOffset unreachableSince, string reason)
    {
        var gone = _time.GetUtcNow() - unreachableSince;
        if (gone < _options.JobLostAfter)
        {
            return;
        }

        foreach (var job in _jobs.Values.Where(j => j.Accepted))
        {
            RunInBackground(_ => LoseAsync(job, $"worker '{Name}' has been unreachable for {gone.TotalSeconds:0.#} s ({reason})"));
        }
    }

    private static string Fingerprint(JValue objectInfo, IReadOnlyDictionary<string, IReadOnlyList<string>> models)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(objectInfo.ToJsonBytes());
        foreach (var (folder, files) in models)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(folder + "\0" + string.Join('\0', files) + "\n"));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
