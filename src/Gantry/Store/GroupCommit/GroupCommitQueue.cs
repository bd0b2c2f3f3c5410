using System.Threading.Channels;

namespace Gantry.Store.GroupCommit;

/// <summary>
/// Group commit: callers enqueue writes, one loop takes everything waiting (up to a cap) and hands it to
/// a commit function that writes the whole batch in ONE transaction. Each caller's task completes only
/// after that transaction committed, with its own outcome.
/// </summary>
/// <remarks>
/// <para>The commit function returns one outcome per item, in order; an item may fail on its own (a duplicate)
/// without failing the batch. If the commit function throws, the batch was not committed and every caller in
/// it gets that exception.</para>
/// <para>Cancellation: a caller cancelled while its item still waits in the queue gets an
/// <see cref="OperationCanceledException"/> and its item is never written. Once the loop has taken the item
/// into a batch, the write goes ahead and the caller gets its true outcome; a cancel can no longer tear a batch.</para>
/// </remarks>
public sealed class GroupCommitQueue<TItem, TResult> : IAsyncDisposable
{
    public const int DefaultMaxBatchSize = 256;

    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<GroupCommitOutcome<TResult>[]>> _commit;
    private readonly int _maxBatchSize;
    private readonly Channel<PendingWrite> _queue =
        Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _loop;

    /// <param name="commit">Writes the items in one transaction and commits; returns one outcome per item, in order.</param>
    /// <param name="maxBatchSize">Most items in one transaction.</param>
    public GroupCommitQueue(
        Func<IReadOnlyList<TItem>, CancellationToken, Task<GroupCommitOutcome<TResult>[]>> commit,
        int maxBatchSize = DefaultMaxBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _commit = commit;
        _maxBatchSize = maxBatchSize;
        _loop = Task.Run(RunAsync);
    }

    public GroupCommitCounters Counters { get; } = new();

    /// <summary>Queues one write; completes once the batch holding it committed.</summary>
    /// <exception cref="ObjectDisposedException">The queue no longer takes writes.</exception>
    public Task<TResult> EnqueueAsync(TItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingWrite(item);
        pending.WatchCancellation(cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Dispose();
            throw new ObjectDisposedException(nameof(GroupCommitQueue<TItem, TResult>), "The store is shutting down.");
        }

        return pending.Task;
    }

    /// <summary>Stops taking writes, commits what is already queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>(_maxBatchSize);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatchSize && reader.TryRead(out var pending))
            {
                if (pending.TryClaim())
                {
                    batch.Add(pending);
                }
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch);
            }
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var items = new TItem[batch.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = batch[i].Item;
        }

        GroupCommitOutcome<TResult>[] outcomes;
        try
        {
            outcomes = await _commit(items, CancellationToken.None);
            if (outcomes.Length != items.Length)
            {
                throw new InvalidOperationException(
                    $"The commit function returned {outcomes.Length} outcomes for {items.Length} items.");
            }
        }
        catch (Exception error)
        {
            foreach (var pending in batch)
            {
                pending.Fail(error);
            }

            return;
        }

        Counters.RecordBatch(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Complete(outcomes[i]);
        }
    }

    /// <summary>One caller's write and its completion. State: waiting → claimed by the loop, or waiting → cancelled.</summary>
    private sealed class PendingWrite(TItem item) : IDisposable
    {
        private const int Waiting = 0;
        private const int Claimed = 1;
        private const int Cancelled = 2;

        private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenRegistration _registration;
        private int _state;

        public TItem Item { get; } = item;

        public Task<TResult> Task => _completion.Task;

        public void WatchCancellation(CancellationToken cancellationToken)
        {
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.UnsafeRegister(
                    static (state, token) => ((PendingWrite)state!).Cancel(token), this);
            }
        }

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Waiting) == Waiting;

        public void Complete(GroupCommitOutcome<TResult> outcome)
        {
            Dispose();
            if (outcome.Error is { } error)
            {
                _completion.TrySetException(error);
            }
            else
            {
                _completion.TrySetResult(outcome.Value!);
            }
        }

        public void Fail(Exception error)
        {
            Dispose();
            _completion.TrySetException(error);
        }

        public void Dispose() => _registration.Dispose();

        private void Cancel(CancellationToken token)
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Waiting) == Waiting)
            {
                _completion.TrySetCanceled(token);
            }
        }
    }
}
