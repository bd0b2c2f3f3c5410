using System.Text;
using System.Threading.Channels;
using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Tests.Scheduling;

/// <summary>
/// A worker the test drives by hand, to check the dispatcher's decisions (not a ComfyUI protocol): it records what it
/// is given and asked, and reports starts, messages, ends and losses when the test says so.
/// </summary>
internal sealed class ScriptedWorker(
    string name, WorkerCapabilities? capabilities = null, int slots = 1, WorkerState initialState = WorkerState.Online, string? url = null) : IWorker
{
    private IWorkerCallbacks? _callbacks;
    private TaskCompletionSource? _holdNext;

    public string Name { get; } = name;

    public string Kind => "scripted";

    public string? Url { get; } = url ?? $"http://{name}.test";

    public WorkerState State { get; private set; } = WorkerState.Starting;

    public string? LastError { get; set; }

    public WorkerCapabilities? Capabilities { get; set; } = capabilities ?? SchedulingCatalogs.Classes("Any", "PrimitiveInt", "PreviewAny");

    public int Slots { get; } = slots;

    public Channel<WorkerJob> Submitted { get; } = Channel.CreateUnbounded<WorkerJob>();

    public Channel<Guid> Cancels { get; } = Channel.CreateUnbounded<Guid>();

    /// <summary>Thrown by the next submits, in order (null: accept).</summary>
    public Queue<Exception?> SubmitFailures { get; } = new();

    /// <summary>What <see cref="ReconcileAsync"/> answers per job (default: unknown).</summary>
    public Dictionary<Guid, WorkerJobPresence> Presence { get; } = [];

    public List<Guid> Reconciled { get; } = [];

    public bool Disposed { get; private set; }

    private IWorkerCallbacks Callbacks => _callbacks ?? throw new InvalidOperationException("Not started.");

    public Task StartAsync(IWorkerCallbacks callbacks, CancellationToken cancellationToken)
    {
        _callbacks = callbacks;
        if (State == WorkerState.Starting)
        {
            State = initialState;
        }

        callbacks.OnWorkerChanged(this);
        return Task.CompletedTask;
    }

    /// <summary>When set, submits wait for it (a slow hand-over) after telling <see cref="SubmitEntered"/>.</summary>
    public TaskCompletionSource? SubmitGate { get; set; }

    public TaskCompletionSource SubmitEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Makes the next submit (only that one) wait until the returned source is completed.</summary>
    public TaskCompletionSource HoldNextSubmit()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _holdNext = hold;
        return hold;
    }

    public async Task SubmitAsync(WorkerJob job, CancellationToken cancellationToken)
    {
        lock (SubmitFailures)
        {
            if (SubmitFailures.TryDequeue(out var failure) && failure is not null)
            {
                throw failure;
            }
        }

        SubmitToken = cancellationToken;
        SubmitEntered.TrySetResult();
        if (SubmitGate is { } gate)
        {
            await gate.Task;
        }

        if (Interlocked.Exchange(ref _holdNext, null) is { } hold)
        {
            await hold.Task;
        }

        Submitted.Writer.TryWrite(job);
        Record("submit returned");
    }

    public Task CancelAsync(Guid jobId, CancellationToken cancellationToken)
    {
        Cancels.Writer.TryWrite(jobId);
        return Task.CompletedTask;
    }

    public Task<WorkerJobPresence> ReconcileAsync(WorkerJob job, CancellationToken cancellationToken)
    {
        lock (Reconciled)
        {
            Reconciled.Add(job.JobId);
        }

        return Task.FromResult(Presence.GetValueOrDefault(job.JobId, WorkerJobPresence.Unknown));
    }

    public void Drain() => SetState(WorkerState.Draining);

    public void Resume()
    {
        if (State == WorkerState.Draining)
        {
            SetState(WorkerState.Online);
        }
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        Record("disposed");
        return ValueTask.CompletedTask;
    }

    /// <summary>The token the last submit was given (cancelled when the dispatcher stops).</summary>
    public CancellationToken SubmitToken { get; private set; }

    /// <summary>What happened to the worker, in order: submits returning, its disposal.</summary>
    public List<string> Events { get; } = [];

    private void Record(string what)
    {
        lock (Events)
        {
            Events.Add(what);
        }
    }

    public void SetState(WorkerState state)
    {
        State = state;
        _callbacks?.OnWorkerChanged(this);
    }

    public async Task<WorkerJob> NextSubmittedAsync() => await Submitted.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public async Task<Guid> NextCancelAsync() => await Cancels.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public bool HasSubmitted => Submitted.Reader.TryPeek(out _);

    public void Start(Guid jobId, long atMs) => Callbacks.OnJobStarted(this, jobId, atMs);

    public void Message(Guid jobId, string type, string json)
        => Callbacks.OnJobMessage(this, jobId, new WorkerMessage { Type = type, Frame = Encoding.UTF8.GetBytes(json) });

    public Task FinishAsync(Guid jobId, WorkerJobOutcome outcome) => Callbacks.OnJobFinishedAsync(this, jobId, outcome);

    public void Lose(Guid jobId, string reason) => Callbacks.OnJobLost(this, jobId, reason);

    public static WorkerJobOutcome Outcome(WorkerJobResult result, long startMs, long endMs, string outputs = "{}", string? error = null, string? message = null) => new()
    {
        Result = result,
        ExecutionStartMs = startMs,
        ExecutionEndMs = endMs,
        OutputsJson = Encoding.UTF8.GetBytes(outputs),
        StatusJson = Encoding.UTF8.GetBytes($$"""{"status_str":"{{(result == WorkerJobResult.Succeeded ? "success" : "error")}}","completed":{{(result == WorkerJobResult.Succeeded ? "true" : "false")}},"messages":[]}"""),
        MetaJson = "{}"u8.ToArray(),
        ExecutionErrorJson = error is null ? null : Encoding.UTF8.GetBytes(error),
        ErrorMessage = message,
    };
}

/// <summary>Builds scripted workers for the pool from registrations (settings or run-time adds), by name.</summary>
internal sealed class ScriptedWorkerFactory : IComfyUiWorkerFactory
{
    private readonly Dictionary<string, ScriptedWorker> _workers = [];

    public ScriptedWorker this[string name] => _workers[name];

    public ScriptedWorker Add(ScriptedWorker worker)
    {
        _workers[worker.Name] = worker;
        return worker;
    }

    public IWorker Create(WorkerRegistration registration)
        => _workers.TryGetValue(registration.Name, out var worker) ? worker : Add(new ScriptedWorker(registration.Name, url: registration.Url));
}
