using Gantry.Engine.Execution;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Graphs;

/// <summary>The result cache is bounded in bytes, and a run only sees results stored under its own scope.</summary>
public sealed class CacheBoundsTests : IDisposable
{
    private const string Image = """
        {"1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 64, "batch_size": 1, "color": COLOR}},
         "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
         "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}
        """;

    // Reads node 1 straight from a new output, so node 1 runs again exactly when its result is not in the cache.
    private const string Probe = """
        {"1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 64, "batch_size": 1, "color": COLOR}},
         "9": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
        """;

    private const long ImageBytes = 64 * 64 * 3 * sizeof(float);
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task The_cache_keeps_what_fits_in_its_bytes_and_drops_the_least_recently_used()
    {
        var cache = new NodeResultCache(1_000, maxBytes: 3 * ImageBytes);
        await RunAsync(Image.Replace("COLOR", "1", StringComparison.Ordinal), cache);
        cache.Bytes.ShouldBeGreaterThan(2 * ImageBytes);
        cache.Bytes.ShouldBeLessThanOrEqualTo(3 * ImageBytes);

        await RunAsync(Image.Replace("COLOR", "2", StringComparison.Ordinal), cache);
        cache.Bytes.ShouldBeLessThanOrEqualTo(3 * ImageBytes);

        // The first graph's images were pushed out by the second's; the second's are there.
        (await RunAsync(Probe.Replace("COLOR", "2", StringComparison.Ordinal), cache)).Result.ExecutedNodes.ShouldBe(["9"]);
        (await RunAsync(Probe.Replace("COLOR", "1", StringComparison.Ordinal), cache)).Result.ExecutedNodes.ShouldBe(["1", "9"]);
    }

    [Fact]
    public async Task A_result_larger_than_the_whole_cache_is_not_kept()
    {
        var cache = new NodeResultCache(1_000, maxBytes: ImageBytes / 2);
        var (first, _) = await RunAsync(Image.Replace("COLOR", "3", StringComparison.Ordinal), cache);
        var (probe, _) = await RunAsync(Probe.Replace("COLOR", "3", StringComparison.Ordinal), cache);

        first.ExecutedNodes.ShouldBe(["1", "2", "3"]);
        probe.ExecutedNodes.ShouldBe(["1", "9"]);
        cache.Bytes.ShouldBeLessThanOrEqualTo(ImageBytes / 2);
    }

    [Fact]
    public async Task Runs_in_different_scopes_never_share_results()
    {
        var cache = new NodeResultCache(1_000);
        var graph = Image.Replace("COLOR", "4", StringComparison.Ordinal);
        await RunAsync(graph, cache, "alice");

        var (bob, _) = await RunAsync(graph, cache, "bob");
        var (aliceAgain, _) = await RunAsync(graph, cache, "alice");

        bob.ExecutedNodes.ShouldBe(["1", "2", "3"]);
        bob.CachedNodes.ShouldBeEmpty();
        aliceAgain.ExecutedNodes.ShouldBeEmpty();
        aliceAgain.CachedNodes.ShouldBe(["1", "2", "3"]);
    }

    private async Task<(ExecutionResult Result, RecordingSink Sink)> RunAsync(string graph, NodeResultCache cache, string? scope = null)
    {
        var validation = _harness.Validate(graph);
        validation.IsValid.ShouldBeTrue();
        var sink = new RecordingSink();
        var request = new ExecutionRequest
        {
            Prompt = validation.Prompt!,
            PromptId = Guid.NewGuid().ToString(),
            OutputsToExecute = validation.Outputs,
            Cache = cache,
            CacheScope = scope,
        };
        return (await _harness.Engine.ExecuteAsync(request, sink, TestContext.Current.CancellationToken), sink);
    }
}
