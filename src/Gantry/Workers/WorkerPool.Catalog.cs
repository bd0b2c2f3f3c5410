using Gantry.Engine.Catalog;

namespace Gantry.Workers;

public sealed partial class WorkerPool
{
    private FleetCatalog? _catalog;

    /// <summary>The union of every worker's last known catalog (offline workers included); null until one has reported.</summary>
    public NodeInfoSet? Nodes => Catalog.Nodes;

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Models => Catalog.Models;

    /// <summary>The fleet's catalog, built once per change of any worker's catalog.</summary>
    public FleetCatalog Catalog
    {
        get
        {
            lock (_gate)
            {
                return _catalog ??= BuildCatalog();
            }
        }
    }

    private FleetCatalog BuildCatalog()
    {
        var known = _entries.Select(e => e.LastCapabilities).OfType<WorkerCapabilities>().ToArray();
        return known.Length == 0
            ? new FleetCatalog(null, WorkerCapabilities.NoModels)
            : new FleetCatalog(CatalogUnion.Nodes(known.Select(c => c.Nodes)), CatalogUnion.Models(known.Select(c => c.Models)));
    }

    /// <summary>Called under the lock whenever the set of catalogs may have changed.</summary>
    private void InvalidateCatalog() => _catalog = null;
}

/// <summary>A snapshot of what the fleet can run; its <c>/object_info</c> body is serialised once, on first use.</summary>
public sealed class FleetCatalog(NodeInfoSet? nodes, IReadOnlyDictionary<string, IReadOnlyList<string>> models)
{
    private byte[]? _objectInfoJson;

    public NodeInfoSet? Nodes { get; } = nodes;

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Models { get; } = models;

    /// <summary>The whole catalog as an <c>/object_info</c> body (UTF-8 JSON); <c>{}</c> when no worker has reported one.</summary>
    public byte[] ObjectInfoJson => _objectInfoJson ??= Nodes?.ToObjectInfo().ToJsonBytes() ?? "{}"u8.ToArray();
}
