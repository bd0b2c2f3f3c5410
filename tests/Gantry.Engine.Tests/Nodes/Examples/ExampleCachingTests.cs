using Gantry.Engine.Execution;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes.Examples;

/// <summary>A second run of an example executes only the nodes whose inputs changed; execution_cached lists the rest.</summary>
public sealed class ExampleCachingTests : IDisposable
{
    private readonly ExampleRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Running_an_unchanged_example_again_executes_nothing_and_writes_no_file()
    {
        var (first, _) = await _run.RunAsync("blur-sharpen-composite", useCache: true, promptId: "first");
        var (second, _) = await _run.RunAsync("blur-sharpen-composite", useCache: true, promptId: "second");

        first.ExecutedNodes.Count.ShouldBe(9);
        second.Outcome.ShouldBe(ExecutionOutcome.Success);
        second.ExecutedNodes.ShouldBeEmpty();
        second.CachedNodes.Order(StringComparer.Ordinal).ShouldBe(["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        second.Messages.OfType<ExecutionCachedEvent>().ShouldHaveSingleItem().Nodes.Count.ShouldBe(9);
        second.OutputsJson().ToJsonString().ShouldBe(first.OutputsJson().ToJsonString());
        Directory.EnumerateFiles(Path.Combine(_run.Folders.Output, "examples")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Changing_one_widget_reruns_that_node_and_everything_downstream_only()
    {
        await _run.RunAsync("blur-sharpen-composite", useCache: true, promptId: "first");
        var changed = ExampleRun.PromptText("blur-sharpen-composite").Replace("\"sigma\": 1.5", "\"sigma\": 2.5", StringComparison.Ordinal);

        var (second, _) = await _run.RunAsync("blur-sharpen-composite", changed, useCache: true, promptId: "second");

        second.ExecutedNodes.ShouldBe(["3", "4", "5", "6", "7", "8", "9"]);
        second.CachedNodes.Order(StringComparer.Ordinal).ShouldBe(["1", "2"]);
        second.Files().ShouldHaveSingleItem().Filename.ShouldBe("composite_00002_.png");
    }

    [Fact]
    public async Task A_text_change_reruns_only_its_branch()
    {
        await _run.RunAsync("text-preview", useCache: true, promptId: "first");
        var changed = ExampleRun.PromptText("text-preview").Replace("\"delimiter\": \", \"", "\"delimiter\": \" — \"", StringComparison.Ordinal);

        var (second, _) = await _run.RunAsync("text-preview", changed, useCache: true, promptId: "second");

        second.ExecutedNodes.ShouldBe(["3", "4"]);
        second.CachedNodes.Order(StringComparer.Ordinal).ShouldBe(["1", "2", "5", "6"]);
        second.OutputsJson().ShouldBeJson("""{"4": {"text": ["Hello — from\nGantry"]}, "6": {"text": ["42"]}}""");
    }
}
