using System.Globalization;
using Gantry.Engine.Json;

namespace Gantry.Tests.FakeComfyUi;

/// <summary>Ready-made scripts for the fake ComfyUI.</summary>
public static class FakeScripts
{
    private static int _counter;

    /// <summary>
    /// A normal run: every node executes in id order (the sampler with three progress steps), and each SaveImage /
    /// PreviewImage node saves one PNG named as ComfyUI would (<c>&lt;prefix&gt;_00001_.png</c> in output, a temp name for previews).
    /// </summary>
    public static async Task Normal(FakeRun run)
    {
        await run.StartAsync();
        foreach (var (nodeId, _) in run.Prompt.Prompt.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            var classType = run.NodeType(nodeId);
            await run.ExecuteNodeAsync(nodeId, classType == "KSampler" ? 3 : 0);
            var count = Interlocked.Increment(ref _counter).ToString("00000", CultureInfo.InvariantCulture);
            if (classType == "SaveImage")
            {
                var prefix = ((run.Prompt.Prompt[nodeId] as JObject)?["inputs"] as JObject)?["filename_prefix"]?.AsString ?? "ComfyUI";
                await run.SaveImageAsync(nodeId, $"{prefix}_{count}_.png", FakePng.Distinct(run.PromptId + nodeId));
            }
            else if (classType == "PreviewImage")
            {
                await run.SaveImageAsync(nodeId, $"ComfyUI_temp_fake_{count}_.png", FakePng.Distinct(run.PromptId + nodeId), type: "temp");
            }
        }
    }

    /// <summary>A run that waits for <see cref="FakeRun.Release"/> in its first node (or an interrupt), then runs normally.</summary>
    public static async Task HoldThenNormal(FakeRun run)
    {
        var first = run.Prompt.Prompt.Keys.Order(StringComparer.Ordinal).First();
        await run.ExecuteNodeAsync(first);
        await run.HoldAsync();
        await Normal(run);
    }

    /// <summary>A fully cached run: everything was computed before, only the output nodes report their (cached) files.</summary>
    public static async Task Cached(FakeRun run)
    {
        await run.StartAsync([.. run.Prompt.Prompt.Keys]);
        foreach (var output in run.Prompt.Outputs)
        {
            await run.SaveImageAsync(output, $"ComfyUI_cached_{output}_.png", FakePng.Distinct("cached" + run.PromptId + output));
        }
    }
}
