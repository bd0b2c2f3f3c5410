namespace Gantry.Store.GroupCommit;

/// <summary>
/// How a <see cref="GroupCommitQueue{TItem, TResult}"/> has been batching: transactions committed, items they carried,
/// and the largest batch seen. Thread-safe; read at any time.
/// </summary>
public sealed class GroupCommitCounters
{
    private long _batches;
    private long _items;
    private long _largestBatch;

    /// <summary>Batches written and committed (one transaction each).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Items carried by committed batches, including items that got an outcome of their own (e.g. duplicates).</summary>
    public long Items => Interlocked.Read(ref _items);

    public long LargestBatch => Interlocked.Read(ref _largestBatch);

    internal void RecordBatch(int size)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _items, size);
        var largest = Interlocked.Read(ref _largestBatch);
        while (size > largest)
        {
            var seen = Interlocked.CompareExchange(ref _largestBatch, size, largest);
            if (seen == largest)
            {
                break;
            }

            largest = seen;
        }
    }
}
