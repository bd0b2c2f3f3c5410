using Gantry.Engine.Catalog;

namespace Gantry.Workers;

/// <summary>A snapshot of what the fleet can run; its <c>/object_info</c> body is serialised once, on first use.</summary>
public sealed class FleetCatalog(NodeInfoSet? nodes, IReadOnlyDictionary<string, IReadOnlyList<string>> models)
{
    private byte[]? _objectInfoJson;

    public NodeInfoSet? Nodes { get; } = nodes;

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Models { get; } = models;

    /// <summary>The whole catalog as an <c>/object_info</c> body (UTF-8 JSON); <c>{}</c> when no worker has reported one.</summary>
    public byte[] ObjectInfoJson => _objectInfoJson ??= Nodes?.ToObjectInfo().ToJsonBytes() ?? "{}"u8.ToArray();

    /// <summary>The union of the workers' last known catalogs (offline workers included); empty when none has reported.</summary>
    public static FleetCatalog Of(IReadOnlyCollection<WorkerCapabilities> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        return known.Count == 0
            ? new FleetCatalog(null, WorkerCapabilities.NoModels)
            : new FleetCatalog(CatalogUnion.Nodes(known.Select(c => c.Nodes)), CatalogUnion.Models(known.Select(c => c.Models)));
    }
}
