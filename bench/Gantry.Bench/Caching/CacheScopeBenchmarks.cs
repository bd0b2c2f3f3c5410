using BenchmarkDotNet.Attributes;
using Gantry.Engine;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Graph;

namespace Gantry.Bench.Caching;

/// <summary>
/// What scoping the embedded engine's result cache per user costs. A second user submits exactly the workflow a first
/// user ran (EmptyImage 512x512 -> ImageBlur -> ImageInvert -> PreviewAny). With one shared cache the second run is
/// served from it (<see cref="OtherUser_SharedCache"/>, the baseline, what Gantry did before); scoped per user it runs
/// in full (<see cref="OtherUser_ScopedCache"/>). A user's own repeat is served from the cache either way; the scoped
/// key adds a string concatenation per node (<see cref="SameUser_Scoped"/> against the baseline, which is the same hit unscoped).
/// </summary>
[MemoryDiagnoser]
public class CacheScopeBenchmarks
{
    private const string Workflow = """
        {"1": {"class_type": "EmptyImage", "inputs": {"width": 512, "height": 512, "batch_size": 1, "color": 3355443}},
         "2": {"class_type": "ImageBlur", "inputs": {"image": ["1", 0], "blur_radius": 4, "sigma": 1.5}},
         "3": {"class_type": "ImageInvert", "inputs": {"image": ["2", 0]}},
         "4": {"class_type": "PreviewAny", "inputs": {"source": ["3", 0]}}}
        """;

    private ComfyEngine _engine = null!;
    private Prompt _prompt = null!;
    private IReadOnlyList<string> _outputs = null!;
    private NodeResultCache _cache = null!;
    private string _root = null!;
    private int _user;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "gantry-bench-" + Guid.NewGuid().ToString("N")[..8]);
        _engine = ComfyEngine.CreateDefault(EngineFolders.Under(_root));
        var validation = _engine.Validate(System.Text.Encoding.UTF8.GetBytes(Workflow));
        _prompt = validation.Prompt!;
        _outputs = validation.Outputs;
        _cache = new NodeResultCache(100_000);
        Run("alice");
        Run(null);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Baseline = true)]
    public ExecutionResult OtherUser_SharedCache() => Run(null);

    /// <summary>A new user each time, so nothing of theirs is cached (the cache is cleared now and then to stay small).</summary>
    [Benchmark]
    public ExecutionResult OtherUser_ScopedCache()
    {
        if (++_user % 256 == 0)
        {
            _cache.Clear();
        }

        return Run($"user-{_user}");
    }

    [Benchmark]
    public ExecutionResult SameUser_Scoped() => Run("alice");

    private ExecutionResult Run(string? scope) => _engine.ExecuteAsync(new ExecutionRequest
    {
        Prompt = _prompt,
        PromptId = "bench",
        OutputsToExecute = _outputs,
        Cache = _cache,
        CacheScope = scope,
    }).GetAwaiter().GetResult();
}
