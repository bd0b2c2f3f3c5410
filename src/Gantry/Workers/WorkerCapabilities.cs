using Gantry.Engine.Catalog;

namespace Gantry.Workers;

/// <summary>What a worker can run: its <c>/object_info</c> node catalog and its model files by folder.</summary>
public sealed record WorkerCapabilities(NodeInfoSet Nodes, IReadOnlyDictionary<string, IReadOnlyList<string>> Models)
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoModels = new Dictionary<string, IReadOnlyList<string>>();
}
