using System.Globalization;
using System.Text;
using Gantry.Engine.Execution;
using Gantry.Engine.Tests.Nodes.Examples;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>Interrupting a slow graph of real nodes (a long blur chain over a large batch) ends the run promptly.</summary>
public sealed class NodePackCancellationTests : IDisposable
{
    private const int Blurs = 12;
    private readonly ExampleRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Cancelling_a_blur_chain_once_it_is_under_way_interrupts_it()
    {
        var started = new StartSignal("3");
        using var interrupt = new CancellationTokenSource();
        var run = _run.RunAsync("blur-chain", BlurChain(), interrupt: interrupt, listener: started);

        await started.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        await interrupt.CancelAsync();
        var (result, sink) = await run;

        result.Outcome.ShouldBe(ExecutionOutcome.Interrupted);
        var interruption = result.Interruption.ShouldNotBeNull();
        interruption.NodeType.ShouldBe("ImageBlur");
        result.ExecutedNodes.ShouldNotContain("save");
        result.ExecutedNodes.Count.ShouldBeLessThan(Blurs + 1);
        sink.Trace[^1].ShouldBe("execution_interrupted");
        Directory.EnumerateFiles(_run.Folders.Output, "*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    /// <summary>EmptyImage 1024² × 4 frames, then <see cref="Blurs"/> radius-31 blurs in a row, then SaveImage.</summary>
    private static string BlurChain()
    {
        var prompt = new StringBuilder("""{"1": {"class_type": "EmptyImage", "inputs": {"width": 1024, "height": 1024, "batch_size": 4, "color": 8421504}}""");
        for (var i = 2; i <= Blurs + 1; i++)
        {
            prompt.Append(CultureInfo.InvariantCulture, $$$""", "{{{i}}}": {"class_type": "ImageBlur", "inputs": {"image": ["{{{i - 1}}}", 0], "blur_radius": 31, "sigma": 10.0}}""");
        }

        prompt.Append(CultureInfo.InvariantCulture, $$$$""", "save": {"class_type": "SaveImage", "inputs": {"images": ["{{{{Blurs + 1}}}}", 0], "filename_prefix": "chain"}}}""");
        return prompt.ToString();
    }

    /// <summary>Completes when the engine starts executing the given node.</summary>
    private sealed class StartSignal(string nodeId) : IExecutionEventSink
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Emit(EngineEvent engineEvent)
        {
            if (engineEvent is ExecutingEvent { Node: { } node } && node == nodeId)
            {
                Reached.TrySetResult();
            }
        }
    }
}
