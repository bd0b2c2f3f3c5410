namespace Gantry.Scheduling;

/// <summary>A line of asynchronous work: each piece starts when the one queued before it has finished.</summary>
internal sealed class SerialWork
{
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;

    /// <summary>Queues <paramref name="work"/>; the returned task completes when it has run (a failure is the caller's to observe).</summary>
    public Task Enqueue(Func<Task> work)
    {
        lock (_gate)
        {
            _tail = _tail.ContinueWith(_ => work(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            return _tail;
        }
    }
}
