using System.Threading.Channels;
using Gantry.Store.GroupCommit;

namespace Gantry.Tests.Store.GroupCommit;

/// <summary>
/// The batching loop on its own, with a commit function the test holds and releases batch by batch:
/// while the loop is busy with one batch the test queues more, so batch contents are exact, not timing.
/// </summary>
public sealed class GroupCommitQueueTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Channel<HeldBatch> _batches = Channel.CreateUnbounded<HeldBatch>();
    private readonly GroupCommitQueue<int, int> _queue;

    public GroupCommitQueueTests()
    {
        _queue = new GroupCommitQueue<int, int>(CommitAsync, maxBatchSize: 256);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Everything_waiting_goes_into_the_next_batch_up_to_the_cap()
    {
        var first = _queue.EnqueueAsync(0, Ct);
        var held = await NextBatchAsync();
        held.Items.ShouldBe([0]);

        var waiting = Enumerable.Range(1, 300).Select(i => _queue.EnqueueAsync(i, Ct)).ToList();
        held.Release();
        (await first).ShouldBe(0);

        var second = await NextBatchAsync();
        second.Items.ShouldBe(Enumerable.Range(1, 256));
        second.Release();
        var third = await NextBatchAsync();
        third.Items.ShouldBe(Enumerable.Range(257, 44));
        third.Release();

        (await Task.WhenAll(waiting)).ShouldBe(Enumerable.Range(1, 300).Select(i => i * 10));
        _queue.Counters.Batches.ShouldBe(3);
        _queue.Counters.Items.ShouldBe(301);
        _queue.Counters.LargestBatch.ShouldBe(256);
    }

    [Fact]
    public async Task An_item_that_fails_on_its_own_does_not_fail_its_batch()
    {
        var blocker = _queue.EnqueueAsync(0, Ct);
        var held = await NextBatchAsync();
        var good = _queue.EnqueueAsync(1, Ct);
        var bad = _queue.EnqueueAsync(-1, Ct);
        var alsoGood = _queue.EnqueueAsync(2, Ct);
        held.Release();

        var batch = await NextBatchAsync();
        batch.Items.ShouldBe([1, -1, 2]);
        batch.Release();

        (await good).ShouldBe(10);
        (await alsoGood).ShouldBe(20);
        (await Should.ThrowAsync<InvalidOperationException>(bad)).Message.ShouldBe("item -1 refused");
        await blocker;
        _queue.Counters.Batches.ShouldBe(2);
    }

    [Fact]
    public async Task When_the_batch_fails_every_caller_in_it_gets_the_error_and_later_batches_still_run()
    {
        var blocker = _queue.EnqueueAsync(0, Ct);
        var held = await NextBatchAsync();
        var doomed = new[] { _queue.EnqueueAsync(1, Ct), _queue.EnqueueAsync(2, Ct) };
        held.Release();

        var failing = await NextBatchAsync();
        var disk = new IOException("disk full");
        failing.Fail(disk);
        foreach (var caller in doomed)
        {
            (await Should.ThrowAsync<IOException>(caller)).ShouldBeSameAs(disk);
        }

        var later = _queue.EnqueueAsync(3, Ct);
        (await NextBatchAsync()).Release();
        (await later).ShouldBe(30);
        await blocker;
        _queue.Counters.Batches.ShouldBe(2);
        _queue.Counters.Items.ShouldBe(2);
    }

    [Fact]
    public async Task A_caller_cancelled_while_waiting_is_never_written()
    {
        var blocker = _queue.EnqueueAsync(0, Ct);
        var held = await NextBatchAsync();
        using var cancel = new CancellationTokenSource();
        var cancelled = _queue.EnqueueAsync(1, cancel.Token);
        var kept = _queue.EnqueueAsync(2, Ct);

        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(cancelled);
        held.Release();

        var next = await NextBatchAsync();
        next.Items.ShouldBe([2]);
        next.Release();
        (await kept).ShouldBe(20);
        await blocker;
    }

    [Fact]
    public async Task A_caller_cancelled_once_its_batch_is_taken_gets_the_real_outcome()
    {
        using var cancel = new CancellationTokenSource();
        var caller = _queue.EnqueueAsync(7, cancel.Token);
        var held = await NextBatchAsync();

        await cancel.CancelAsync();
        caller.IsCompleted.ShouldBeFalse();
        held.Release();

        (await caller).ShouldBe(70);
    }

    [Fact]
    public async Task Disposing_commits_what_is_queued_and_refuses_new_writes()
    {
        var blocker = _queue.EnqueueAsync(0, Ct);
        var held = await NextBatchAsync();
        var queued = new[] { _queue.EnqueueAsync(1, Ct), _queue.EnqueueAsync(2, Ct) };

        var disposing = _queue.DisposeAsync().AsTask();
        Should.Throw<ObjectDisposedException>(() => _queue.EnqueueAsync(3, Ct));
        disposing.IsCompleted.ShouldBeFalse();
        held.Release();
        var last = await NextBatchAsync();
        last.Items.ShouldBe([1, 2]);
        last.Release();

        await disposing.WaitAsync(Timeout, Ct);
        (await Task.WhenAll(queued)).ShouldBe([10, 20]);
        await blocker;
    }

    [Fact]
    public async Task A_commit_function_that_returns_the_wrong_number_of_outcomes_fails_the_batch()
    {
        await using var queue = new GroupCommitQueue<int, int>((_, _) => Task.FromResult(Array.Empty<GroupCommitOutcome<int>>()));

        await Should.ThrowAsync<InvalidOperationException>(() => queue.EnqueueAsync(1, Ct));

        queue.Counters.Batches.ShouldBe(0);
    }

    public async ValueTask DisposeAsync()
    {
        // Release anything still held so the loop can drain.
        _batches.Writer.TryComplete();
        await foreach (var held in _batches.Reader.ReadAllAsync())
        {
            held.Release();
        }

        await _queue.DisposeAsync();
    }

    private async Task<GroupCommitOutcome<int>[]> CommitAsync(IReadOnlyList<int> items, CancellationToken cancellationToken)
    {
        var held = new HeldBatch([.. items]);
        if (!_batches.Writer.TryWrite(held))
        {
            held.Release();
        }

        await held.Released;
        return items
            .Select(i => i < 0
                ? GroupCommitOutcome<int>.Failure(new InvalidOperationException($"item {i} refused"))
                : GroupCommitOutcome<int>.Success(i * 10))
            .ToArray();
    }

    private Task<HeldBatch> NextBatchAsync() => _batches.Reader.ReadAsync(Ct).AsTask().WaitAsync(Timeout, Ct);

    /// <summary>A batch the commit function is holding until the test releases (or fails) it.</summary>
    private sealed class HeldBatch(int[] items)
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int[] Items { get; } = items;

        public Task Released => _release.Task;

        public void Release() => _release.TrySetResult();

        public void Fail(Exception error) => _release.TrySetException(error);
    }
}
