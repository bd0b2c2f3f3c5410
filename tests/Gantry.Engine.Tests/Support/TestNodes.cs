using Gantry.Engine.Catalog;

namespace Gantry.Engine.Tests.Support;

/// <summary>Counts executions per node id (shared by the test nodes of one test).</summary>
public sealed class ExecutionCounter
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Hit(string nodeId)
    {
        lock (_lock)
        {
            _counts[nodeId] = _counts.GetValueOrDefault(nodeId) + 1;
        }
    }

    public int this[string nodeId]
    {
        get
        {
            lock (_lock)
            {
                return _counts.GetValueOrDefault(nodeId);
            }
        }
    }

    public int Total
    {
        get
        {
            lock (_lock)
            {
                return _counts.Values.Sum();
            }
        }
    }
}

/// <summary>TestCounter: adds 1 to its INT input and counts its executions.</summary>
public sealed class CounterNode(ExecutionCounter counter, bool notIdempotent = false) : ComfyNode
{
    protected override NodeSchema Define() => new(notIdempotent ? "TestCounterVolatile" : "TestCounter")
    {
        Category = "testing",
        NotIdempotent = notIdempotent,
        Inputs = { Input.Int("value", @default: 0, min: 0, max: 1000) },
        Outputs = { Output.Of("INT") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        counter.Hit(context.NodeId);
        return NodeOutput.Of(inputs.Get<long>("value") + 1);
    }
}

/// <summary>TestFail: throws the exception its widget names.</summary>
public sealed class FailingNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestFail")
    {
        Category = "testing",
        Inputs =
        {
            Input.LegacyCombo("kind", ["value", "missing_file", "dotnet_invalid_operation", "parallel_value"]),
            Input.Of("after", "*").AsOptional(),
        },
        Outputs = { Output.Of("INT") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => inputs.Get<string>("kind") switch
    {
        "value" => throw NodeException.ValueError("bad value"),
        "missing_file" => throw new FileNotFoundException("No such file: x.png"),
        "parallel_value" => ThrowInParallel(),
        _ => throw new InvalidOperationException("state is wrong"),
    };

    private static NodeOutput ThrowInParallel()
    {
        Parallel.For(0, 4, i => throw NodeException.ValueError($"frame {i} is bad"));
        return NodeOutput.Empty;
    }
}

/// <summary>TestRange: an OUTPUT_IS_LIST node producing start, start+1, ... (count items).</summary>
public sealed class RangeNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestRange")
    {
        Category = "testing",
        Inputs = { Input.Int("start", @default: 0), Input.Int("count", @default: 3, min: 0) },
        Outputs = { Output.Of("INT", isList: true) },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var start = inputs.Get<long>("start");
        var count = inputs.Get<int>("count");
        return NodeOutput.Of(Enumerable.Range(0, count).Select(i => (object?)(start + i)).ToList());
    }
}

/// <summary>TestSum: an INPUT_IS_LIST output node showing the sum of all values it got.</summary>
public sealed class SumNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestSum")
    {
        Category = "testing",
        IsInputList = true,
        IsOutputNode = true,
        Inputs = { Input.Int("values") },
        Outputs = { Output.Of("INT") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var values = inputs.GetList<long>("values");
        var sum = values.Sum();
        return NodeOutput.Of(sum).WithUi(UiOutput.Text($"{values.Count} values, sum {sum}"));
    }
}

/// <summary>A handshake between a test and <see cref="SlowNode"/>.</summary>
public sealed class SlowGate
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// TestSlow: reports progress step by step; at step 1 it signals the gate and waits for the run to
/// be cancelled (so a test can interrupt it mid-node without timing).
/// </summary>
public sealed class SlowNode(SlowGate gate) : ComfyNode
{
    protected override NodeSchema Define() => new("TestSlow")
    {
        Category = "testing",
        IsOutputNode = true,
        Inputs = { Input.Int("steps", @default: 3, min: 1), Input.Of("after", "*").AsOptional() },
        Outputs = { Output.Of("INT") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var steps = inputs.Get<long>("steps");
        for (var step = 1; step <= steps; step++)
        {
            context.ReportProgress(step, steps);
            if (step == 1)
            {
                gate.Started.TrySetResult();
                context.CancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            }
        }

        return NodeOutput.Of(steps);
    }
}

/// <summary>TestParallelSlow: like TestSlow, but waits for the interrupt inside a parallel loop.</summary>
public sealed class ParallelSlowNode(SlowGate gate) : ComfyNode
{
    protected override NodeSchema Define() => new("TestParallelSlow")
    {
        Category = "testing",
        IsOutputNode = true,
        Inputs = { Input.Int("frames", @default: 2, min: 1) },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        Parallel.For(0, inputs.Get<int>("frames"), _ =>
        {
            gate.Started.TrySetResult();
            context.CancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            context.ThrowIfCancellationRequested();
        });
        return NodeOutput.Empty;
    }
}

/// <summary>TestPreview: reports one progress step with a preview image.</summary>
public sealed class PreviewingNode : ComfyNode
{
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    protected override NodeSchema Define() => new("TestPreview")
    {
        Category = "testing",
        IsOutputNode = true,
        Inputs = { Input.Int("steps", @default: 2, min: 1) },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var steps = inputs.Get<long>("steps");
        for (var step = 1; step <= steps; step++)
        {
            context.ReportProgress(step, steps, step == 1 ? new PreviewImage(PreviewFormat.Png, Png) : null);
        }

        return NodeOutput.Empty;
    }
}

/// <summary>
/// TestFileCheck: a LoadImage-like node: its file input is checked for existence (custom validation),
/// not against its combo list, and the file content is its fingerprint.
/// </summary>
public sealed class FileCheckNode(ExecutionCounter counter) : ComfyNode
{
    protected override NodeSchema Define() => new("TestFileCheck")
    {
        Category = "testing",
        IsOutputNode = true,
        Inputs = { Input.LegacyCombo("file", folders => [.. Directory.EnumerateFiles(folders.Input).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]) },
        ValidatedInputs = { "file" },
        Outputs = { Output.Of("STRING") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        counter.Hit(context.NodeId);
        var text = File.ReadAllText(Path.Combine(context.Folders.Input, inputs.Get<string>("file")));
        return NodeOutput.Of(text).WithUi(UiOutput.Text(text));
    }

    public override string? Fingerprint(NodeInputs inputs, NodeEnvironment environment) =>
        File.ReadAllText(Path.Combine(environment.Folders.Input, inputs.Get<string>("file")));

    public override ValidationVerdict ValidateInputs(NodeInputs inputs, NodeEnvironment environment)
    {
        var file = inputs.Get<string>("file");
        return File.Exists(Path.Combine(environment.Folders.Input, file)) ? ValidationVerdict.Valid : ValidationVerdict.Fail($"Invalid image file: {file}");
    }
}

/// <summary>TestImageSink: an output node taking an IMAGE (for type mismatch tests).</summary>
public sealed class ImageSinkNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestImageSink")
    {
        Category = "testing",
        IsOutputNode = true,
        Hidden = { Hidden.Prompt, Hidden.ExtraPngInfo, Hidden.UniqueId },
        Inputs = { Input.Image("images"), Input.Of("mask", "MASK,IMAGE").AsOptional() },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => NodeOutput.Empty;
}

/// <summary>The node pack plus the test nodes, sharing one counter and one gate.</summary>
public static class TestCatalog
{
    public static NodeCatalog Create(ExecutionCounter? counter = null, SlowGate? gate = null, Rendezvous? rendezvous = null)
    {
        counter ??= new ExecutionCounter();
        gate ??= new SlowGate();
        return NodeCatalog.CreateDefault()
            .With(() => new CounterNode(counter))
            .With(() => new CounterNode(counter, notIdempotent: true))
            .With<FailingNode>()
            .With<RangeNode>()
            .With<SumNode>()
            .With(() => new SlowNode(gate))
            .With(() => new ParallelSlowNode(gate))
            .With<PreviewingNode>()
            .With(() => new FileCheckNode(counter))
            .With<ImageSinkNode>()
            .WithMoreNodes(rendezvous);
    }
}
