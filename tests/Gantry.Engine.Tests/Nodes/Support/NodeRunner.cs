using Gantry.Engine.Catalog;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Tests.Support;
using Gantry.Engine.Validation;

namespace Gantry.Engine.Tests.Nodes.Support;

/// <summary>
/// The product node pack plus probe and source nodes, over a temp folder: runs prompts through the real
/// engine and hands back what the probes received.
/// </summary>
public sealed class NodeRunner : IDisposable
{
    private readonly DirectoryInfo _root;

    /// <param name="barrierParticipants">How many concurrent prompts the TestBarrier node waits for.</param>
    public NodeRunner(int barrierParticipants = 1)
    {
        Barrier = new Barrier(barrierParticipants);
        _root = Directory.CreateTempSubdirectory("gantry-nodes-");
        Folders = EngineFolders.Under(_root.FullName);
        Folders.EnsureCreated();
        var catalog = NodeCatalog.CreateDefault()
            .With(() => new ProbeNode(Probe))
            .With(() => new BarrierNode(Barrier))
            .With<TestImageNode>()
            .With<TestMaskNode>();
        Engine = new ComfyEngine(catalog, Folders, new ComfyEngineOptions { ProgressInterval = TimeSpan.Zero });
    }

    public EngineFolders Folders { get; }

    public ComfyEngine Engine { get; }

    public Probe Probe { get; } = new();

    public Barrier Barrier { get; }

    public NodeResultCache Cache { get; } = new(100);

    public ValidationResult Validate(string promptJson) => Engine.Validate(System.Text.Encoding.UTF8.GetBytes(promptJson));

    /// <summary>Validates (must be valid) and executes; returns the result and the events.</summary>
    public async Task<(ExecutionResult Result, RecordingSink Sink)> RunAsync(
        string promptJson,
        JObject? extraData = null,
        bool useCache = false,
        string promptId = "p1",
        CancellationTokenSource? interrupt = null,
        IExecutionEventSink? sink = null)
    {
        var validation = Validate(promptJson);
        validation.IsValid.ShouldBeTrue(validation.NodeErrorsJson().ToJsonString());
        var recording = new RecordingSink();
        var request = new ExecutionRequest
        {
            Prompt = validation.Prompt!,
            PromptId = promptId,
            OutputsToExecute = validation.Outputs,
            Cache = useCache ? Cache : null,
            ExtraData = extraData ?? JObject.Empty,
        };
        var events = sink is null ? (IExecutionEventSink)recording : new TeeSink(recording, sink);
        var result = await Engine.ExecuteAsync(request, events, interrupt?.Token ?? CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        return (result, recording);
    }

    /// <summary>Runs a prompt that must succeed and returns what probe <paramref name="probeId"/> received.</summary>
    public async Task<T> ProbeAsync<T>(string promptJson, string probeId = "probe")
    {
        var (result, _) = await RunAsync(promptJson);
        result.Outcome.ShouldBe(ExecutionOutcome.Success, result.Error?.ToMessage().ToJsonString());
        return Probe.Single<T>(probeId);
    }

    /// <summary>Runs a prompt that must fail while executing and returns its execution_error.</summary>
    public async Task<ExecutionErrorEvent> FailureAsync(string promptJson)
    {
        var (result, _) = await RunAsync(promptJson);
        result.Outcome.ShouldBe(ExecutionOutcome.Error);
        return result.Error.ShouldNotBeNull();
    }

    public void Dispose()
    {
        Barrier.Dispose();
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private sealed class TeeSink(IExecutionEventSink first, IExecutionEventSink second) : IExecutionEventSink
    {
        public void Emit(EngineEvent engineEvent)
        {
            first.Emit(engineEvent);
            second.Emit(engineEvent);
        }
    }
}
