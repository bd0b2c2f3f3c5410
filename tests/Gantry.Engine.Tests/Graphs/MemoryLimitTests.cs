using Gantry.Engine.Catalog;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Tests.Graphs;

/// <summary>What one run may allocate is bounded: a tensor over the pixel limit, or a run over its bytes, fails the node.</summary>
public sealed class MemoryLimitTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gantry-memory-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task A_16384_square_empty_image_fails_with_a_memory_error_before_it_is_allocated()
    {
        var (result, _) = await RunAsync(
            """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 16384, "height": 16384, "batch_size": 1, "color": 0}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """,
            JobMemoryLimits.Default);

        result.Outcome.ShouldBe(ExecutionOutcome.Error);
        var error = result.Error.ShouldNotBeNull();
        error.NodeId.ShouldBe("1");
        error.ExceptionType.ShouldBe("MemoryError");
        error.ExceptionMessage.ShouldContain("[1, 16384, 16384, 3]");
        error.ExceptionMessage.ShouldContain("at most 67,108,864 pixels");
        result.TensorBytes.ShouldBe(0);
    }

    [Fact]
    public async Task A_run_that_creates_more_image_bytes_than_allowed_fails_at_the_node_that_goes_over()
    {
        // Each 256x256 RGB image is 768 KiB; three fit in 2.5 MiB, the fourth does not.
        var (result, _) = await RunAsync(
            """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 256, "height": 256, "batch_size": 1, "color": 0}},
             "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
             "3": {"class_type": "ImageInvert", "inputs": {"image": ["2", 0]}},
             "4": {"class_type": "ImageInvert", "inputs": {"image": ["3", 0]}},
             "5": {"class_type": "PreviewAny", "inputs": {"source": ["4", 0]}}}
            """,
            new JobMemoryLimits(0, 2_621_440));

        result.Outcome.ShouldBe(ExecutionOutcome.Error);
        result.Error!.NodeId.ShouldBe("4");
        result.Error.ExceptionType.ShouldBe("MemoryError");
        result.ExecutedNodes.ShouldBe(["1", "2", "3"]);
        result.TensorBytes.ShouldBe(3 * 256 * 256 * 3 * sizeof(float));
    }

    [Fact]
    public async Task Within_the_limits_the_same_graph_runs_and_counts_its_bytes()
    {
        var (result, _) = await RunAsync(
            """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 32, "batch_size": 2, "color": 0}},
             "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
             "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}
            """,
            JobMemoryLimits.Default);

        result.Outcome.ShouldBe(ExecutionOutcome.Success);
        result.TensorBytes.ShouldBe(2 * 2 * 64 * 32 * 3 * sizeof(float));
    }

    [Fact]
    public async Task A_latent_file_is_charged_before_its_samples_are_read()
    {
        var folders = EngineFolders.Under(_root.FullName);
        folders.EnsureCreated();
        var latent = new LatentTensor([1, 4, 64, 64], new float[4 * 64 * 64]);
        await File.WriteAllBytesAsync(Path.Combine(folders.Input, "big.latent"), Latents.LatentFileWriter.Write(latent, null), TestContext.Current.CancellationToken);

        var (result, _) = await RunAsync(
            """
            {"1": {"class_type": "LoadLatent", "inputs": {"latent": "big.latent"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """,
            new JobMemoryLimits(0, 32_768));

        result.Outcome.ShouldBe(ExecutionOutcome.Error);
        result.Error!.NodeId.ShouldBe("1");
        result.Error.ExceptionType.ShouldBe("MemoryError");
        result.Error.ExceptionMessage.ShouldContain("[1, 4, 64, 64]");
        result.TensorBytes.ShouldBe(0);
    }

    [Fact]
    public void Outside_a_run_nothing_is_counted_or_refused()
    {
        TensorMemory.Allocate(1, 9000, 9000, 1).Length.ShouldBe(81_000_000);
    }

    private async Task<(ExecutionResult Result, JObject Outputs)> RunAsync(string graph, JobMemoryLimits limits)
    {
        var folders = EngineFolders.Under(_root.FullName);
        folders.EnsureCreated();
        var engine = new ComfyEngine(NodeCatalog.CreateDefault(), folders, new ComfyEngineOptions { MemoryLimits = limits });
        var validation = engine.Validate(System.Text.Encoding.UTF8.GetBytes(graph));
        validation.IsValid.ShouldBeTrue(validation.Error?.ToJson().ToJsonString());
        var request = new ExecutionRequest { Prompt = validation.Prompt!, PromptId = "memory", OutputsToExecute = validation.Outputs };
        var result = await engine.ExecuteAsync(request, cancellationToken: TestContext.Current.CancellationToken);
        return (result, result.OutputsJson());
    }
}
