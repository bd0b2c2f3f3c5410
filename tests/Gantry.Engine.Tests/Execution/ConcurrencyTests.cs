using Gantry.Engine.Execution;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Execution;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Several_prompts_execute_at_the_same_time()
    {
        const int parties = 3;
        using var harness = new EngineHarness(rendezvous: new Rendezvous(parties));

        var runs = Enumerable.Range(1, parties)
            .Select(i => harness.RunAsync("""{"1": {"class_type": "TestRendezvous", "inputs": {"tag": TAG}}}""".Replace("TAG", $"{i}", StringComparison.Ordinal), promptId: $"p{i}"))
            .ToList();
        var results = await Task.WhenAll(runs);

        results.Select(r => r.Result.Outcome).ShouldAllBe(o => o == ExecutionOutcome.Success);
        results.Select(r => r.Result.OutputsJson()["1"]!.ToJsonString()).ShouldBe([
            """{"text":["met 1"]}""", """{"text":["met 2"]}""", """{"text":["met 3"]}""",
        ]);
    }

    [Fact]
    public async Task Concurrent_prompts_sharing_a_cache_get_their_own_results_and_events()
    {
        using var harness = new EngineHarness();

        var runs = Enumerable.Range(0, 16)
            .Select(i => harness.RunAsync(
                """
                {"1": {"class_type": "TestCounter", "inputs": {"value": VALUE}},
                 "2": {"class_type": "TestCounter", "inputs": {"value": ["1", 0]}},
                 "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}
                """.Replace("VALUE", $"{i % 4}", StringComparison.Ordinal),
                promptId: $"p{i}"))
            .ToList();
        var results = await Task.WhenAll(runs);

        for (var i = 0; i < results.Length; i++)
        {
            var (result, sink) = results[i];
            result.Outcome.ShouldBe(ExecutionOutcome.Success, result.Error?.ToData().ToJsonString());
            result.OutputsJson()["3"]!.ToJsonString().ShouldBe("""{"text":["N"]}""".Replace("N", $"{(i % 4) + 2}", StringComparison.Ordinal));
            sink.Events.ShouldAllBe(e => e.PromptId == $"p{i}");
        }
    }
}
