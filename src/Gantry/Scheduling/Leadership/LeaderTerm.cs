namespace Gantry.Scheduling.Leadership;

/// <summary>
/// One leadership term of this instance: its fencing epoch and a token cancelled when the hold is lost (the database
/// session that held it died). Disposing it gives leadership up at once.
/// </summary>
public sealed class LeaderTerm : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly Func<ValueTask> _release;
    private int _disposed;

    public LeaderTerm(long? epoch, Func<ValueTask> release)
    {
        Epoch = epoch;
        _release = release;
    }

    /// <summary>The fencing epoch of the term; null where no fencing is needed (one instance without a leadership row).</summary>
    public long? Epoch { get; }

    /// <summary>Cancelled when this instance no longer holds leadership.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Marks the term lost (called by whoever watches the hold).</summary>
    public void MarkLost()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _lost.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Disposed meanwhile: nothing is listening any more.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _release();
        _lost.Dispose();
    }
}
