using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>A node's outputs (one list per output slot, ComfyUI's list semantics) and its UI dict.</summary>
internal sealed record CachedNodeResult(IReadOnlyList<IReadOnlyList<object?>> Outputs, JObject? Ui);

/// <summary>
/// Node results kept between prompts, keyed by ComfyUI's recursive input signature (class type,
/// literal inputs, ancestry, fingerprint; node id for NOT_IDEMPOTENT / UNIQUE_ID nodes). A repeated
/// prompt re-runs only changed nodes. Least recently used entries are dropped beyond
/// <see cref="Capacity"/>. Thread-safe: several runs may share one cache, or each worker may own one.
/// </summary>
public sealed class NodeResultCache
{
    private readonly Dictionary<string, LinkedListNode<(string Key, CachedNodeResult Value)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, CachedNodeResult Value)> _recency = new();
    private readonly Lock _lock = new();

    /// <param name="capacity">The most node results kept (images can be large: size it to memory).</param>
    public NodeResultCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
    }

    public int Capacity { get; }

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
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                _recency.Remove(existing);
            }

            var node = _recency.AddFirst((key, value));
            _entries[key] = node;
            while (_entries.Count > Capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
        }
    }
}
