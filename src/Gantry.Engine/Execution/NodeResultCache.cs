using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>A node's outputs (one list per output slot, ComfyUI's list semantics) and its UI dict.</summary>
internal sealed record CachedNodeResult(IReadOnlyList<IReadOnlyList<object?>> Outputs, JObject? Ui);

/// <summary>
/// Node results kept between prompts, keyed by ComfyUI's recursive input signature (class type,
/// literal inputs, ancestry, fingerprint; node id for NOT_IDEMPOTENT / UNIQUE_ID nodes). A repeated
/// prompt re-runs only changed nodes. Least recently used entries are dropped beyond
/// <see cref="Capacity"/> entries or <see cref="MaxBytes"/> bytes (a result larger than that is not kept).
/// Keys may carry a scope (<see cref="ExecutionRequest.CacheScope"/>) so that runs of one user never see
/// another's results. Thread-safe: several runs may share one cache, or each worker may own one.
/// </summary>
public sealed class NodeResultCache
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _lock = new();
    private long _bytes;

    /// <param name="capacity">The most node results kept.</param>
    /// <param name="maxBytes">The most bytes they may hold together (tensors dominate: size it to memory).</param>
    public NodeResultCache(int capacity, long maxBytes = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        Capacity = capacity;
        MaxBytes = maxBytes;
    }

    public int Capacity { get; }

    public long MaxBytes { get; }

    /// <summary>About how many bytes the kept results hold.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Drops everything (ComfyUI's <c>POST /free</c>).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }

    internal CachedNodeResult? Get(string key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Value;
        }
    }

    internal void Set(string key, CachedNodeResult value)
    {
        var size = ResultSize.Of(value);
        lock (_lock)
        {
            if (_entries.Remove(key, out var existing))
            {
                _recency.Remove(existing);
                _bytes -= existing.Value.Bytes;
            }

            if (size > MaxBytes || Capacity == 0)
            {
                return;
            }

            _entries[key] = _recency.AddFirst(new Entry(key, value, size));
            _bytes += size;
            while ((_entries.Count > Capacity || _bytes > MaxBytes) && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Bytes;
            }
        }
    }

    private sealed record Entry(string Key, CachedNodeResult Value, long Bytes);
}
