using Gantry.Engine.Json;

namespace Gantry.Engine.NodeModel;

/// <summary>
/// The inputs of one node call. Literal widget values arrive as CLR values: INT as <see cref="long"/>
/// (or <see cref="System.Numerics.BigInteger"/> beyond 64 bits), FLOAT as <see cref="double"/>,
/// STRING as <see cref="string"/>, BOOLEAN as <see cref="bool"/>, other JSON as <see cref="JValue"/>;
/// linked inputs carry whatever the upstream node returned (ImageTensor, MaskTensor, ...).
/// <see cref="Get{T}"/> converts between the numeric types and fails with a TypeError otherwise.
/// </summary>
public sealed class NodeInputs
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<object?>> _lists;
    private readonly int? _index;

    /// <summary>Inputs of a node call; <paramref name="index"/> null means the node takes whole lists.</summary>
    internal NodeInputs(IReadOnlyDictionary<string, IReadOnlyList<object?>> lists, int? index)
    {
        _lists = lists;
        _index = index;
    }

    /// <summary>Inputs for a single call from plain values (for tests and tools).</summary>
    public static NodeInputs FromValues(IEnumerable<KeyValuePair<string, object?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var lists = values.ToDictionary(v => v.Key, v => (IReadOnlyList<object?>)[v.Value], StringComparer.Ordinal);
        return new NodeInputs(lists, 0);
    }

    /// <summary>True when the node is called with whole lists (INPUT_IS_LIST).</summary>
    public bool IsListMode => _index is null;

    /// <summary>The names of the inputs present in this call.</summary>
    public IEnumerable<string> Names => _lists.Keys;

    public bool Contains(string name) => _lists.ContainsKey(name);

    /// <summary>The raw value (the first element in list mode), or null when absent.</summary>
    public object? this[string name] => _lists.TryGetValue(name, out var list) ? Pick(list) : null;

    /// <summary>A required input converted to <typeparamref name="T"/>; TypeError when absent or not convertible.</summary>
    public T Get<T>(string name)
    {
        if (!_lists.TryGetValue(name, out var list))
        {
            throw NodeException.TypeError($"missing required input: '{name}'");
        }

        return ValueConversion.To<T>(Pick(list), name);
    }

    /// <summary>An optional input, or <paramref name="fallback"/> when it is absent or null.</summary>
    public T GetOrDefault<T>(string name, T fallback)
    {
        if (!_lists.TryGetValue(name, out var list) || Pick(list) is null)
        {
            return fallback;
        }

        return ValueConversion.To<T>(Pick(list), name);
    }

    /// <summary>
    /// All values of an input: the whole list for an INPUT_IS_LIST node, else a one-element list.
    /// Empty when the input is absent.
    /// </summary>
    public IReadOnlyList<T> GetList<T>(string name)
    {
        if (!_lists.TryGetValue(name, out var list))
        {
            return [];
        }

        return _index is null ? [.. list.Select(v => ValueConversion.To<T>(v, name))] : [ValueConversion.To<T>(Pick(list), name)];
    }

    private object? Pick(IReadOnlyList<object?> list)
    {
        if (list.Count == 0)
        {
            return null;
        }

        var index = _index ?? 0;
        return list[index < list.Count ? index : list.Count - 1];
    }
}
