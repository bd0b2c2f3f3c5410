using Gantry.Engine;
using Gantry.Engine.Catalog;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Store;
using Gantry.Outputs;
using Microsoft.Extensions.Options;

namespace Gantry.Workers.Embedded;

/// <summary>
/// Builds the process's embedded workers around one <see cref="ComfyEngine"/> and one <see cref="NodeResultCache"/>
/// they all share (bounded in bytes; each user's results apart). Each worker writes under <c>DATA/workers/NAME/</c>
/// (its own <c>output</c> and <c>temp</c>, one folder per user in each, so file counters never collide and never
/// tell one user about another's files); a job reads its user's uploads from <see cref="WorkerJob.InputDirectory"/>.
/// </summary>
public sealed class EmbeddedWorkerFactory
{
    private readonly string _root;
    private readonly int _prefetch;
    private readonly OutputImporter _importer;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    public EmbeddedWorkerFactory(
        NodeCatalog catalog,
        IOptions<DataOptions> data,
        IOptions<WorkerPoolOptions> workers,
        IOptions<PrefetchOptions> prefetch,
        OutputImporter importer,
        TimeProvider time,
        ILoggerFactory loggers,
        IOptions<EngineSettings> engine)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(prefetch);
        ArgumentNullException.ThrowIfNull(engine);
        _root = Path.Combine(Path.GetFullPath(data.Value.DataDirectory), "workers");
        _prefetch = prefetch.Value.Prefetch;
        _importer = importer;
        _time = time;
        _loggers = loggers;
        var limits = engine.Value;
        Engine = new ComfyEngine(catalog, EngineFolders.Under(Path.Combine(_root, "engine")), new ComfyEngineOptions
        {
            TimeProvider = time,
            MaxNodesPerPrompt = limits.MaxNodesPerPrompt,
            MemoryLimits = limits.MemoryLimits,
        });
        Cache = new NodeResultCache(workers.Value.EmbeddedCacheSize, limits.EffectiveCacheBytes);
    }

    public ComfyEngine Engine { get; }

    /// <summary>Node results reused between prompts, shared by every embedded worker of the process.</summary>
    public NodeResultCache Cache { get; }

    public EmbeddedWorker Create(string name)
    {
        var root = Path.Combine(_root, name);
        return new EmbeddedWorker(name, Engine, Cache, Path.Combine(root, "output"), Path.Combine(root, "temp"), _prefetch, _importer, _time, _loggers.CreateLogger<EmbeddedWorker>());
    }
}
