using System.Text;
using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Workers;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>
/// The dispatcher's side of <see cref="IWorkerCallbacks"/> for tests: records every call in order (each with a
/// sequence number) and lets a test await a call matching a condition, whether it already happened or is yet to come.
/// </summary>
public sealed class RecordingCallbacks : IWorkerCallbacks
{
    private readonly Lock _lock = new();
    private readonly List<Call> _calls = [];
    private readonly List<(Func<Call, bool> Match, TaskCompletionSource<Call> Waiter)> _waiters = [];

    public abstract record Call
    {
        public int Sequence { get; init; }
    }

    public sealed record WorkerChanged(WorkerState State, string? LastError, WorkerCapabilities? Capabilities) : Call;

    public sealed record JobStarted(Guid JobId, long AtMs) : Call;

    public sealed record JobMessage(Guid JobId, WorkerMessage Message) : Call
    {
        public string? Type => Message.Type;

        public bool IsBinary => Message.IsBinary;

        /// <summary>The frame's <c>data</c> (text frames only; parsing also proves the frame is strict JSON).</summary>
        public JsonElement Data => JsonDocument.Parse(Message.Frame).RootElement.GetProperty("data");

        public string Text => Encoding.UTF8.GetString(Message.Frame.Span);
    }

    public sealed record JobFinished(Guid JobId, WorkerJobOutcome Outcome) : Call;

    public sealed record JobLost(Guid JobId, string Reason) : Call;

    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<JobMessage> MessagesFor(Guid jobId) => [.. Calls.OfType<JobMessage>().Where(m => m.JobId == jobId)];

    public IReadOnlyList<Call> CallsFor(Guid jobId) => [.. Calls.Where(c => c switch
    {
        JobStarted s => s.JobId == jobId,
        JobMessage m => m.JobId == jobId,
        JobFinished f => f.JobId == jobId,
        JobLost l => l.JobId == jobId,
        _ => false,
    })];

    /// <summary>The first call of type <typeparamref name="T"/> matching <paramref name="match"/>, past or future.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null)
        where T : Call
    {
        var waiter = new TaskCompletionSource<Call>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool Matches(Call call) => call is T typed && (match?.Invoke(typed) ?? true);
        lock (_lock)
        {
            if (_calls.FirstOrDefault(Matches) is { } done)
            {
                return (T)done;
            }

            _waiters.Add((Matches, waiter));
        }

        try
        {
            return (T)await waiter.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No {typeof(T).Name} call matched. Calls so far:\n{string.Join('\n', Calls)}");
        }
    }

    public Task<JobFinished> FinishedAsync(Guid jobId) => WaitForAsync<JobFinished>(f => f.JobId == jobId);

    public Task<JobLost> LostAsync(Guid jobId) => WaitForAsync<JobLost>(l => l.JobId == jobId);

    public Task<JobMessage> MessageAsync(Guid jobId, string type, Func<JobMessage, bool>? match = null)
        => WaitForAsync<JobMessage>(m => m.JobId == jobId && m.Type == type && (match?.Invoke(m) ?? true));

    /// <summary>The worker reached <paramref name="state"/> after the call numbered <paramref name="after"/>.</summary>
    public Task<WorkerChanged> StateAsync(WorkerState state, int after = -1)
        => WaitForAsync<WorkerChanged>(c => c.State == state && c.Sequence > after);

    public void OnWorkerChanged(IWorker worker) => Record(new WorkerChanged(worker.State, worker.LastError, worker.Capabilities));

    public void OnJobStarted(IWorker worker, Guid jobId, long atMs) => Record(new JobStarted(jobId, atMs));

    public void OnJobMessage(IWorker worker, Guid jobId, WorkerMessage message) => Record(new JobMessage(jobId, message));

    public Task OnJobFinishedAsync(IWorker worker, Guid jobId, WorkerJobOutcome outcome)
    {
        Record(new JobFinished(jobId, outcome));
        return Task.CompletedTask;
    }

    public void OnJobLost(IWorker worker, Guid jobId, string reason) => Record(new JobLost(jobId, reason));

    private void Record(Call call)
    {
        List<TaskCompletionSource<Call>> woken = [];
        lock (_lock)
        {
            call = call with { Sequence = _calls.Count };
            _calls.Add(call);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(call))
                {
                    woken.Add(_waiters[i].Waiter);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in woken)
        {
            waiter.TrySetResult(call);
        }
    }
}
