using System.Diagnostics;
using Gantry.Engine;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Load.Driving;

namespace Gantry.Load.Scenarios;

/// <summary>
/// Per node, the built-in engine (called directly, as the embedded worker calls it) against a real ComfyUI: each
/// case and its baseline run on both sides in turn, one warm-up round on small images and then <see cref="Rounds"/> counted, and the median of (case − baseline) over the counted rounds
/// is the node's time on that side.
/// </summary>
public sealed class NodeTimings(PromptSocket comfyUi, int size, IReadOnlyList<string>? nodes, TextWriter log)
{
    public const int Rounds = 1;

    /// <summary>Side of the warm-up round's images: it only has to touch every kernel once.</summary>
    private const int WarmUpSize = 128;

    public async Task AddToAsync(ScenarioReport report, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "gantry-load-nodes-" + Guid.NewGuid().ToString("N")[..8]);
        var folders = EngineFolders.Under(root);
        folders.EnsureCreated();
        try
        {
            var engine = ComfyEngine.CreateDefault(folders);
            var color = 0x102030;
            foreach (var graphs in NodeGraphs.All.Where(g => nodes is null || nodes.Contains(g.Node)))
            {
                log.WriteLine($"comfyui: {graphs.Node} {graphs.Point}");
                var comfy = new List<double>();
                var ours = new List<double>();
                for (var round = -1; round < Rounds; round++)
                {
                    // Round -1 warms both sides up (first use of a kernel, PyTorch's and .NET's JIT) and is not counted.
                    var side = round < 0 ? Math.Min(size, WarmUpSize) : size;
                    var comfyBase = await comfyUi.TimeAsync(graphs.Prompt(side, color++, withNode: false), cancellationToken);
                    var comfyNode = await comfyUi.TimeAsync(graphs.Prompt(side, color++, withNode: true), cancellationToken) - comfyBase;
                    var engineBase = await TimeEngineAsync(engine, folders, graphs.Prompt(side, color++, withNode: false), cancellationToken);
                    var engineNode = await TimeEngineAsync(engine, folders, graphs.Prompt(side, color++, withNode: true), cancellationToken) - engineBase;
                    if (round >= 0)
                    {
                        comfy.Add(comfyNode);
                        ours.Add(engineNode);
                    }
                }

                var point = $"{graphs.Node} {graphs.Point}";
                var comfyMs = Median(comfy);
                report.Amounts.Add(new("ComfyUI (baseline)", point, comfyMs, "ms"));
                report.Amounts.Add(new("engine", point, Median(ours), "ms", comfyMs > 0 && Median(ours) > 0 ? Median(ours) / comfyMs : null));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<double> TimeEngineAsync(ComfyEngine engine, EngineFolders folders, string prompt, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var validation = engine.Validate(System.Text.Encoding.UTF8.GetBytes(prompt));
        if (!validation.IsValid)
        {
            throw new InvalidOperationException($"The engine refused {prompt}: {validation.Error}");
        }

        var result = await engine.ExecuteAsync(
            new ExecutionRequest { Prompt = validation.Prompt!, PromptId = Guid.NewGuid().ToString("D"), OutputsToExecute = validation.Outputs, Folders = folders },
            null,
            cancellationToken);
        if (!result.Completed)
        {
            throw new InvalidOperationException($"The engine failed {prompt}: {result.Error}");
        }

        return LoadRunner.ToMilliseconds(Stopwatch.GetTimestamp() - started);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
