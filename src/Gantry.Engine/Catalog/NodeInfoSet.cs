using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Gantry.Engine.Json;

namespace Gantry.Engine.Catalog;

/// <summary>Where validation looks up node classes: the engine's own catalog, or data from workers.</summary>
public interface INodeInfoSource
{
    /// <summary>The info of <paramref name="classType"/>, or null when the class is unknown.</summary>
    NodeInfo? Find(string classType);
}

/// <summary>
/// An immutable set of <see cref="NodeInfo"/> by class type, in insertion order: a worker's
/// <c>/object_info</c>, or the union of several workers' catalogs (<see cref="Merge"/>).
/// </summary>
public sealed class NodeInfoSet : INodeInfoSource, IReadOnlyCollection<NodeInfo>
{
    private readonly Dictionary<string, NodeInfo> _byName;
    private readonly List<NodeInfo> _ordered;

    public NodeInfoSet(IEnumerable<NodeInfo> infos)
    {
        ArgumentNullException.ThrowIfNull(infos);
        _byName = new Dictionary<string, NodeInfo>(StringComparer.Ordinal);
        _ordered = [];
        foreach (var info in infos)
        {
            if (_byName.TryAdd(info.Name, info))
            {
                _ordered.Add(info);
            }
        }
    }

    public static NodeInfoSet Empty { get; } = new([]);

    public int Count => _ordered.Count;

    /// <summary>Reads a whole <c>/object_info</c> response (class → info). Odd entries are skipped.</summary>
    public static NodeInfoSet FromObjectInfo(JValue objectInfo)
    {
        ArgumentNullException.ThrowIfNull(objectInfo);
        var infos = objectInfo is JObject classes
            ? classes.Where(c => c.Key.Length > 0 && c.Value is JObject).Select(c => NodeInfo.FromObjectInfo(c.Key, c.Value))
            : [];
        return new NodeInfoSet(infos);
    }

    /// <summary>The union of several sets; when a class appears in several, the first set's info wins.</summary>
    public static NodeInfoSet Merge(params IEnumerable<NodeInfoSet> sets) => new(sets.SelectMany(s => s));

    public NodeInfo? Find(string classType) => _byName.GetValueOrDefault(classType);

    public bool TryGet(string classType, [NotNullWhen(true)] out NodeInfo? info) => _byName.TryGetValue(classType, out info);

    public bool Contains(string classType) => _byName.ContainsKey(classType);

    /// <summary>The whole set as an <c>/object_info</c> response.</summary>
    public JObject ToObjectInfo() => new(_ordered.Select(i => new KeyValuePair<string, JValue>(i.Name, i.ToJson())));

    public IEnumerator<NodeInfo> GetEnumerator() => _ordered.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
