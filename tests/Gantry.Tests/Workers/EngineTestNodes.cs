using System.Collections.Concurrent;
using Gantry.Engine.Catalog;
using Gantry.Engine.Json;
using Gantry.Engine.NodeModel;

namespace Gantry.Tests.Workers;

/// <summary>Nodes the tests add to the embedded engine's pack: a gate to hold a job running, failures, files, previews.</summary>
public static class EngineTestNodes
{
    /// <summary>The built-in pack plus the test nodes.</summary>
    public static NodeCatalog Catalog() => NodeCatalog.CreateDefault()
        .With<GateNode>()
        .With<FailNode>()
        .With<SaveTextNode>()
        .With<PreviewNode>()
        .With<StepsNode>();

    /// <summary>A graph holding at gate <paramref name="gate"/> until it is opened or the run is interrupted.</summary>
    public static string GateGraph(string gate) => $$$$"""{"1": {"class_type": "TestGate", "inputs": {"gate": "{{{{gate}}}}"}}}""";

    public static string FailGraph(string message) => $$$$"""{"1": {"class_type": "PrimitiveInt", "inputs": {"value": 7}}, "2": {"class_type": "TestFail", "inputs": {"message": "{{{{message}}}}", "after": ["1", 0]}}}""";

    public static string SaveTextGraph(string content) => $$$$"""{"1": {"class_type": "TestSaveText", "inputs": {"content": "{{{{content}}}}"}}}""";

    /// <summary>An uploaded input image through <c>TestSteps</c> (three progress steps) into SaveImage.</summary>
    public static string LoadStepsSaveGraph(string image, string prefix) => $$$$"""
        {"1": {"class_type": "LoadImage", "inputs": {"image": "{{{{image}}}}"}},
         "2": {"class_type": "TestSteps", "inputs": {"image": ["1", 0], "steps": 3}},
         "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "{{{{prefix}}}}"}}}
        """;

    public const string PreviewGraph = """{"1": {"class_type": "TestPreview", "inputs": {}}}""";
}

/// <summary>A named meeting point between a test and <see cref="GateNode"/>s waiting at it.</summary>
public sealed class TestGate
{
    private static readonly ConcurrentDictionary<string, TestGate> Gates = new();

    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManualResetEventSlim Opened { get; } = new();

    public static TestGate Named(string name) => Gates.GetOrAdd(name, _ => new TestGate());

    public Task WaitReachedAsync() => Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));

    public void Open() => Opened.Set();
}

/// <summary>TestGate: signals its gate, then waits until the gate opens or the run is interrupted; shows "passed".</summary>
public sealed class GateNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestGate")
    {
        Category = "testing",
        IsOutputNode = true,
        NotIdempotent = true,
        Inputs = { Input.String("gate") },
        Outputs = { Output.Of("STRING") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var gate = TestGate.Named(inputs.Get<string>("gate"));
        gate.Reached.TrySetResult();
        WaitHandle.WaitAny([context.CancellationToken.WaitHandle, gate.Opened.WaitHandle], TimeSpan.FromSeconds(60));
        context.ThrowIfCancellationRequested();
        return NodeOutput.Of("passed").WithUi(UiOutput.Text("passed"));
    }
}

/// <summary>TestFail: raises a ValueError with its message.</summary>
public sealed class FailNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestFail")
    {
        Category = "testing",
        IsOutputNode = true,
        Inputs = { Input.String("message"), Input.Of("after", "*").AsOptional() },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context) => throw NodeException.ValueError(inputs.Get<string>("message"));
}

/// <summary>TestSaveText: writes its text to a new file in the output folder and lists it like SaveImage does.</summary>
public sealed class SaveTextNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestSaveText")
    {
        Category = "testing",
        IsOutputNode = true,
        NotIdempotent = true,
        Inputs = { Input.String("content") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        context.Folders.EnsureCreated();
        var name = $"text_{Guid.NewGuid():N}.txt";
        File.WriteAllText(Path.Combine(context.Folders.Output, name), inputs.Get<string>("content"));
        return NodeOutput.WithUiOnly(UiOutput.Images(new UiFile(name, "", "output")));
    }
}

/// <summary>TestPreview: reports one progress step carrying a PNG preview.</summary>
public sealed class PreviewNode : ComfyNode
{
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

    protected override NodeSchema Define() => new("TestPreview")
    {
        Category = "testing",
        IsOutputNode = true,
        NotIdempotent = true,
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        context.ReportProgress(1, 1, new PreviewImage(PreviewFormat.Png, Png));
        return NodeOutput.Empty;
    }
}

/// <summary>TestSteps: passes its image through, reporting <c>steps</c> progress steps as a sampler does.</summary>
public sealed class StepsNode : ComfyNode
{
    protected override NodeSchema Define() => new("TestSteps")
    {
        Category = "testing",
        Inputs = { Input.Image("image"), Input.Int("steps", @default: 3, min: 1, max: 100) },
        Outputs = { Output.Of("IMAGE") },
    };

    public override NodeOutput Execute(NodeInputs inputs, NodeContext context)
    {
        var steps = inputs.Get<int>("steps");
        for (var step = 1; step <= steps; step++)
        {
            context.ReportProgress(step, steps);
        }

        return NodeOutput.Of(inputs.Get<Gantry.Engine.Tensors.ImageTensor>("image"));
    }
}
