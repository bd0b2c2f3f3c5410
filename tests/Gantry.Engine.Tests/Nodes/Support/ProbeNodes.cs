using System.Collections.Concurrent;
using System.Globalization;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Tests.Nodes.Support;

/// <summary>What the probe nodes of a run received, by probe node id (one entry per call).</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<object?>> _values = new(StringComparer.Ordinal);

    public void Record(string nodeId, object? value) => _values.GetOrAdd(nodeId, _ => new ConcurrentQueue<object?>()).Enqueue(value);

    /// <summary>Every value the probe received, in order (a list output reaches it once per item).</summary>
    public IReadOnlyList<object?> All(string nodeId) => [.. _values.GetValueOrDefault(nodeId) ?? []];

    /// <summary>The one value probe <paramref name="nodeId"/> received, as <typeparamref name="T"/>.</summary>
    public T Single<T>(string nodeId) =>
        _values.GetValueOrDefault(nodeId).ShouldNotBeNull($"probe {nodeId} never ran").ShouldHaveSingleItem().ShouldBeOfType<T>();
}

/// <summary>An output node that records whatever reaches its <c>value</c> input ("TestProbe").</summary>
public sealed class ProbeNode(Probe probe) : ComfyNode
{
    protected override NodeSchema Define() => new("TestProbe")
    {
        Category = "testing",
        IsOutputNode = true,
        Inputs = { Input.Of("value", "*") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        probe.Record(context.NodeId, inputs["value"]);
        return NodeOutput.Empty;
    }
}

/// <summary>
/// "TestBarrier": passes its value on once every participant of the shared barrier has arrived, so that
/// concurrent prompts reach the next node together.
/// </summary>
public sealed class BarrierNode(Barrier barrier) : ComfyNode
{
    protected override NodeSchema Define() => new("TestBarrier")
    {
        Category = "testing",
        NotIdempotent = true,
        Inputs = { Input.Of("value", "*") },
        Outputs = { Output.Of("*") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        barrier.SignalAndWait(TimeSpan.FromSeconds(60), context.CancellationToken).ShouldBeTrue("all prompts reach the barrier");
        return NodeOutput.Of(inputs["value"]);
    }
}

/// <summary>"TestImage": an IMAGE of the given shape from space-separated samples (row-major, channels last).</summary>
public sealed class TestImageNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestImage")
    {
        Category = "testing",
        Inputs =
        {
            Input.Int("height"), Input.Int("width"), Input.String("samples"),
            Input.Int("batch", @default: 1).AsOptional(), Input.Int("channels", @default: 3).AsOptional(),
        },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var image = new ImageTensor(inputs.GetOrDefault("batch", 1), inputs.Get<int>("height"), inputs.Get<int>("width"), inputs.GetOrDefault("channels", 3));
        Samples.Parse(inputs.Get<string>("samples"), image.Length).CopyTo(image.WritableSpan);
        return NodeOutput.Of(image);
    }
}

/// <summary>"TestMask": a MASK of the given shape from space-separated values (row-major).</summary>
public sealed class TestMaskNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestMask")
    {
        Category = "testing",
        Inputs = { Input.Int("height"), Input.Int("width"), Input.String("samples"), Input.Int("batch", @default: 1).AsOptional() },
        Outputs = { Output.Of("MASK") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var mask = new MaskTensor(inputs.GetOrDefault("batch", 1), inputs.Get<int>("height"), inputs.Get<int>("width"));
        Samples.Parse(inputs.Get<string>("samples"), mask.Length).CopyTo(mask.WritableSpan);
        return NodeOutput.Of(mask);
    }
}

internal static class Samples
{
    /// <summary>Space-separated floats; a single value fills the whole tensor.</summary>
    public static float[] Parse(string text, int length)
    {
        var values = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        if (values.Length == 1)
        {
            return Enumerable.Repeat(values[0], length).ToArray();
        }

        values.Length.ShouldBe(length, "sample count");
        return values;
    }
}
