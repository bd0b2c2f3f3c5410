using Gantry.Engine.Catalog;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Graph;
using Gantry.Engine.Validation;
using Microsoft.Extensions.Time.Testing;

namespace Gantry.Engine.Tests.Support;

/// <summary>Collects events in order; thread-safe.</summary>
public sealed class RecordingSink : IExecutionEventSink
{
    private readonly List<EngineEvent> _events = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<EngineEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Event types in order, with the node for executing/executed (e.g. "executing:2").</summary>
    public IReadOnlyList<string> Trace => [.. Events.Select(Describe)];

    public void Emit(EngineEvent engineEvent)
    {
        lock (_lock)
        {
            _events.Add(engineEvent);
        }
    }

    private static string Describe(EngineEvent e) => e switch
    {
        ExecutingEvent { Node: { } node } => $"executing:{node}",
        ExecutingEvent => "executing:null",
        ExecutedEvent executed => $"executed:{executed.Node}",
        ProgressEvent progress => $"progress:{progress.Node}:{progress.Value}/{progress.Max}",
        _ => e.Type,
    };
}

/// <summary>An engine over a temp folder with test nodes, a fake clock and unthrottled progress.</summary>
public sealed class EngineHarness : IDisposable
{
    private readonly DirectoryInfo _root;

    public EngineHarness(ExecutionCounter? counter = null, SlowGate? gate = null, Rendezvous? rendezvous = null, TimeSpan? progressInterval = null)
    {
        _root = Directory.CreateTempSubdirectory("gantry-engine-");
        Folders = EngineFolders.Under(_root.FullName);
        Folders.EnsureCreated();
        Counter = counter ?? new ExecutionCounter();
        Gate = gate ?? new SlowGate();
        Catalog = TestCatalog.Create(Counter, Gate, rendezvous);
        Engine = new ComfyEngine(Catalog, Folders, new ComfyEngineOptions { TimeProvider = Clock, ProgressInterval = progressInterval ?? TimeSpan.Zero });
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_753_999_990_000));

    public long Millis => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public EngineFolders Folders { get; }

    public ExecutionCounter Counter { get; }

    public SlowGate Gate { get; }

    public NodeCatalog Catalog { get; }

    public ComfyEngine Engine { get; }

    public NodeResultCache Cache { get; } = new(100);

    public ValidationResult Validate(string promptJson, IReadOnlyCollection<string>? partialTargets = null) =>
        Engine.Validate(System.Text.Encoding.UTF8.GetBytes(promptJson), partialTargets);

    /// <summary>Validates (must be valid) and runs with the harness cache, returning the result and the events.</summary>
    public async Task<(ExecutionResult Result, RecordingSink Sink)> RunAsync(
        string promptJson,
        CancellationTokenSource? interrupt = null,
        string promptId = "p1",
        bool useCache = true,
        JObject? extraData = null)
    {
        var validation = Validate(promptJson);
        validation.IsValid.ShouldBeTrue(validation.Error?.ToJson().ToJsonString());
        return await RunValidatedAsync(validation, interrupt, promptId, useCache, extraData);
    }

    public async Task<(ExecutionResult Result, RecordingSink Sink)> RunValidatedAsync(
        ValidationResult validation,
        CancellationTokenSource? interrupt = null,
        string promptId = "p1",
        bool useCache = true,
        JObject? extraData = null)
    {
        var sink = new RecordingSink();
        var request = new ExecutionRequest
        {
            Prompt = validation.Prompt!,
            PromptId = promptId,
            OutputsToExecute = validation.Outputs,
            Cache = useCache ? Cache : null,
            ExtraData = extraData ?? JObject.Empty,
        };
        var result = await Engine.ExecuteAsync(request, sink, interrupt?.Token ?? CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        return (result, sink);
    }

    public void WriteInputFile(string name, string content) => File.WriteAllText(Path.Combine(Folders.Input, name), content);

    public void Dispose()
    {
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>Small helpers for reading JSON in assertions.</summary>
public static class JsonAssert
{
    public static JValue Parse(string json) => JParser.Parse(json);

    /// <summary>Compares a value with JSON text structurally.</summary>
    public static void ShouldBeJson(this JValue actual, string expectedJson) =>
        actual.ToJsonString().ShouldBe(JParser.Parse(expectedJson).ToJsonString());

    public static Prompt PromptOf(string json) => Prompt.Parse(json);
}
