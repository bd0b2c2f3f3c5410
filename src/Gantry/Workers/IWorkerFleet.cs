using Gantry.Engine.Catalog;

namespace Gantry.Workers;

/// <summary>
/// The read side of the worker pool: which workers exist and what they can run together. What
/// <c>/object_info</c>, <c>/models</c>, <c>/system_stats</c> and submit-time validation look at.
/// </summary>
public interface IWorkerFleet
{
    /// <summary>A snapshot of every registered worker.</summary>
    IReadOnlyList<WorkerInfo> Workers { get; }

    /// <summary>
    /// The union of the node catalogs the workers reported (for a class several workers have, their combo
    /// lists are united too). Null when no worker has reported a catalog yet: then only the graph's shape is checked.
    /// </summary>
    NodeInfoSet? Nodes { get; }

    /// <summary>The union of the workers' model files, by folder (<c>checkpoints</c>, <c>loras</c>, …).</summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> Models { get; }
}

/// <summary>One worker as <c>gantry workers list</c> and <c>/api/system_stats</c> show it.</summary>
public sealed record WorkerInfo(
    string Name,
    string Kind,
    string? Url,
    WorkerState State,
    string? LastError,
    int Running,
    int Slots,
    bool HasCatalog,
    int? NodeCount = null,
    int? ModelCount = null);
