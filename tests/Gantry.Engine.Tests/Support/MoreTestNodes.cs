using System.Numerics;
using Gantry.Engine.Catalog;

namespace Gantry.Engine.Tests.Support;

/// <summary>TestCombos: a legacy combo of 25 values, a V3 combo and a V3 multiselect combo.</summary>
public sealed class CombosNode : ComfyNode
{
    public static readonly string[] Many = [.. Enumerable.Range(1, 25).Select(i => $"m{i}.safetensors")];

    protected override NodeSchema Define() => new("TestCombos")
    {
        Category = "testing",
        IsOutputNode = true,
        Inputs =
        {
            Input.LegacyCombo("model", Many),
            Input.Combo("mode", ["fast", "slow"], @default: "fast"),
            Input.Combo("tags", ["a", "b", "c"]).With("multiselect", true).AsOptional(),
        },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.WithUiOnly(UiOutput.Text(inputs.Get<string>("model"), inputs.Get<string>("mode")));
}

/// <summary>TestSeed: an INT widget reaching 2^64−1, like KSampler's seed.</summary>
public sealed class SeedNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestSeed")
    {
        Category = "testing",
        Inputs = { Input.Int("seed", @default: 0, min: 0, max: ulong.MaxValue, controlAfterGenerate: true) },
        Outputs = { Output.Of("INT") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Of(inputs.Get<BigInteger>("seed"));
}

/// <summary>TestStrings: an OUTPUT_IS_LIST node splitting its text on commas.</summary>
public sealed class StringsNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestStrings")
    {
        Category = "testing",
        Inputs = { Input.String("csv", @default: "a,b,c") },
        Outputs = { Output.Of("STRING", isList: true) },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        NodeOutput.Of(inputs.Get<string>("csv").Split(',').Cast<object?>().ToList());
}

/// <summary>TestSteps: reports progress for every step (to observe throttling).</summary>
public sealed class StepsNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestSteps")
    {
        Category = "testing",
        IsOutputNode = true,
        Inputs = { Input.Int("steps", @default: 100, min: 1) },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var steps = inputs.Get<long>("steps");
        for (var step = 1; step <= steps; step++)
        {
            context.ReportProgress(step, steps);
        }

        return NodeOutput.Empty;
    }
}

/// <summary>Lets nodes of concurrent runs wait for each other; a timeout means the runs were not concurrent.</summary>
public sealed class Rendezvous(int parties)
{
    private readonly object _gate = new();
    private int _arrived;

    public bool Arrive()
    {
        lock (_gate)
        {
            _arrived++;
            Monitor.PulseAll(_gate);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (_arrived < parties)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                {
                    return _arrived >= parties;
                }
            }

            return true;
        }
    }
}

/// <summary>TestRendezvous: an output node that returns only once all parties arrived.</summary>
public sealed class RendezvousNode(Rendezvous rendezvous) : ComfyNode
{
    protected override NodeSchema Define() => new("TestRendezvous")
    {
        Category = "testing",
        IsOutputNode = true,
        Inputs = { Input.Int("tag", @default: 0) },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) =>
        rendezvous.Arrive()
            ? NodeOutput.WithUiOnly(UiOutput.Text($"met {inputs.Get<long>("tag")}"))
            : throw NodeException.RuntimeError("the other runs never arrived");
}

/// <summary>TestHidden: shows its hidden inputs (unique id, extra_pnginfo, prompt size).</summary>
public sealed class HiddenNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestHidden")
    {
        Category = "testing",
        IsOutputNode = true,
        Hidden = { Hidden.Prompt, Hidden.ExtraPngInfo, Hidden.UniqueId },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var prompt = inputs.Get<JObject>("prompt");
        var extra = inputs.GetOrDefault<JValue?>("extra_pnginfo", null);
        return NodeOutput.WithUiOnly(UiOutput.Text($"{inputs.Get<string>("unique_id")}|{extra?.ToJsonString() ?? "None"}|{prompt.Count}"));
    }
}

public static class MoreTestCatalog
{
    public static NodeCatalog WithMoreNodes(this NodeCatalog catalog, Rendezvous? rendezvous = null) => catalog
        .With<CombosNode>()
        .With<SeedNode>()
        .With<StringsNode>()
        .With<StepsNode>()
        .With(() => new RendezvousNode(rendezvous ?? new Rendezvous(1)))
        .With<HiddenNode>();
}
