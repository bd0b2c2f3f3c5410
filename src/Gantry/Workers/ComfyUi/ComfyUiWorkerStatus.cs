namespace Gantry.Workers.ComfyUi;

/// <summary>
/// A ComfyUI worker's state and last error, and whether it was told to drain: draining wins over online, an
/// offline worker keeps its last error until it is back. <see cref="Transition"/> and friends decide and say whether
/// anything changed; <see cref="Set"/> also logs the worker online and tells the dispatcher.
/// </summary>
internal sealed class ComfyUiWorkerStatus(bool draining)
{
    private readonly Lock _gate = new();
    private WorkerState _state = WorkerState.Starting;
    private string? _lastError;
    private bool _draining = draining;

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

    /// <summary>Online or draining: the worker is up.</summary>
    public bool IsUp => State is WorkerState.Online or WorkerState.Draining;

    /// <summary>Takes no new jobs from now on; true when that changed the state (online → draining).</summary>
    public bool Drain()
    {
        lock (_gate)
        {
            _draining = true;
            if (_state != WorkerState.Online)
            {
                return false;
            }

            _state = WorkerState.Draining;
            return true;
        }
    }

    /// <summary>Takes new jobs again; true when that changed the state (draining → online).</summary>
    public bool Resume()
    {
        lock (_gate)
        {
            _draining = false;
            if (_state != WorkerState.Draining)
            {
                return false;
            }

            _state = WorkerState.Online;
            return true;
        }
    }

    /// <summary>Moves to a state (online becomes draining while draining); true when the state or the error changed.</summary>
    public bool Transition(WorkerState state, string? error, out WorkerState applied)
    {
        lock (_gate)
        {
            if (state == WorkerState.Online && _draining)
            {
                state = WorkerState.Draining;
            }

            var changed = _state != state || (error is not null && _lastError != error);
            _state = state;
            _lastError = error ?? (state == WorkerState.Offline ? _lastError : null);
            applied = state;
            return changed;
        }
    }

    /// <summary>Why <see cref="ComfyUiWorker.SubmitAsync"/> refuses now, or null when the worker takes jobs.</summary>
    public string? Refusal(bool connected)
    {
        var state = State;
        if (state == WorkerState.Online && connected)
        {
            return null;
        }

        return state == WorkerState.Draining ? "is draining" : $"is {state.ToString().ToLowerInvariant()}" + (LastError is { } e ? $" ({e})" : "");
    }

    /// <summary><see cref="Transition"/>, then (when anything changed) the log line for a worker up and the dispatcher told.</summary>
    public void Set(ComfyUiWorkerContext context, ComfyUiCatalog catalog, WorkerState state, string? error)
    {
        if (!Transition(state, error, out var applied))
        {
            return;
        }

        if (applied is WorkerState.Online or WorkerState.Draining)
        {
            var capabilities = catalog.Capabilities;
            ComfyUiWorkerLog.Online(
                context.Logger, context.Name, Auth.Secrets.Redact(context.Worker.Url) ?? "", catalog.ComfyUiVersion ?? "unknown",
                capabilities?.Nodes.Count ?? 0, capabilities?.Models.Count ?? 0);
        }

        context.Notify(c => c.OnWorkerChanged(context.Worker));
    }
}
