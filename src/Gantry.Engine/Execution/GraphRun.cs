using Gantry.Engine.Catalog;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Execution;

/// <summary>
/// One execution of one prompt (ComfyUI's <c>PromptExecutor.execute</c>): cache lookup, the plan
/// (<see cref="ExecutionPlanner"/>), fail-fast node execution (each node called over its lists by
/// <see cref="NodeCalls"/>), events, history. All state is per run; only the <see cref="NodeResultCache"/> is shared.
/// </summary>
internal sealed class GraphRun
{
    private readonly ExecutionRequest _request;
    private readonly NodeCatalog _catalog;
    private readonly EngineFolders _folders;
    private readonly IExecutionEventSink _sink;
    private readonly TimeProvider _time;
    private readonly CancellationToken _cancellation;
    private readonly JobMemoryLimits _memoryLimits;
    private readonly ProgressTracker _progress;
    private readonly NodeSignatures _signatures;
    private readonly UiOutputs _ui = new();
    private readonly Dictionary<string, NodeInfo?> _infos = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedNodeResult> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedNodeResult> _cachedAtStart = new(StringComparer.Ordinal);
    private readonly List<EngineEvent> _messages = [];
    private readonly List<string> _executed = [];

    public GraphRun(
        ExecutionRequest request,
        NodeCatalog catalog,
        EngineFolders folders,
        IExecutionEventSink sink,
        TimeProvider time,
        TimeSpan progressInterval,
        JobMemoryLimits memoryLimits,
        CancellationToken cancellation)
    {
        _request = request;
        _catalog = catalog;
        _folders = folders;
        _sink = sink;
        _time = time;
        _cancellation = cancellation;
        _memoryLimits = memoryLimits;
        _progress = new ProgressTracker(request.PromptId, sink, time, progressInterval);
        _signatures = new NodeSignatures(request.Prompt, InfoOf, catalog.Create, folders);
    }

    private Prompt Prompt => _request.Prompt;

    private string PromptId => _request.PromptId;

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public ExecutionResult Run()
    {
        using var budget = TensorMemory.Enter(_memoryLimits);
        Record(new ExecutionStartEvent(PromptId, Now));
        foreach (var node in Prompt.Nodes)
        {
            if (_request.Cache is { } cache && CacheKey(node.Id) is { } key && cache.Get(key) is { } entry)
            {
                _cachedAtStart[node.Id] = entry;
            }
        }

        var cachedNodes = Prompt.Nodes.Where(n => _cachedAtStart.ContainsKey(n.Id)).Select(n => n.Id).ToList();
        Record(new ExecutionCachedEvent(PromptId, cachedNodes, Now));

        var plan = ExecutionPlanner.Plan(Prompt, _request.OutputsToExecute, _cachedAtStart.Keys.ToHashSet(StringComparer.Ordinal));
        var outcome = Execute(plan);
        if (outcome == ExecutionOutcome.Success)
        {
            Record(new ExecutionSuccessEvent(PromptId, Now));
        }

        return new ExecutionResult(PromptId, outcome, _messages, _ui.Outputs, _ui.Meta, _executed, cachedNodes)
        {
            SignaturesComputed = _signatures.Computed,
            TensorBytes = budget.Bytes,
        };
    }

    private ExecutionOutcome Execute(ExecutionPlan plan)
    {
        if (plan.CycleAt is { } blamed)
        {
            Record(new ExecutionErrorEvent(
                PromptId, blamed, ClassTypeOf(blamed), [.. _executed], "Dependency cycle detected", "graph.DependencyCycleError",
                [], JArray.Empty, CurrentOutputs(), Now));
            return ExecutionOutcome.Error;
        }

        foreach (var nodeId in plan.Order)
        {
            if (CachedResultFor(nodeId) is { } cached)
            {
                UseCached(nodeId, cached);
                continue;
            }

            var outcome = ExecuteNode(nodeId);
            if (outcome != ExecutionOutcome.Success)
            {
                return outcome;
            }
        }

        return ExecutionOutcome.Success;
    }

    // A node is cached when its result was there at start, or a node with the same signature ran
    // earlier in this run or in a concurrent one (ComfyUI checks the cache at execution time).
    private CachedNodeResult? CachedResultFor(string nodeId)
    {
        if (_cachedAtStart.TryGetValue(nodeId, out var atStart))
        {
            return atStart;
        }

        return _request.Cache is { } cache && CacheKey(nodeId) is { } key ? cache.Get(key) : null;
    }

    // The node's signature within the request's scope; null when the node is never cached.
    private string? CacheKey(string nodeId) => _signatures.Of(nodeId) is not { } signature ? null
        : _request.CacheScope is { } scope ? $"{scope}\0{signature}"
        : signature;

    private void UseCached(string nodeId, CachedNodeResult cached)
    {
        _results[nodeId] = cached;
        if (cached.Ui is not null)
        {
            _ui.Add(nodeId, cached.Ui);
        }

        _sink.Emit(new ExecutedEvent(PromptId, nodeId, nodeId, cached.Ui));
        _progress.Finish(nodeId);
    }

    private ExecutionOutcome ExecuteNode(string nodeId)
    {
        var classType = ClassTypeOf(nodeId);
        List<KeyValuePair<string, IReadOnlyList<object?>>>? inputs = null;
        _progress.Start(nodeId);
        try
        {
            var info = InfoOf(classType) ?? throw NodeException.KeyError(classType);
            inputs = GatherInputs(nodeId, info);
            _sink.Emit(new ExecutingEvent(PromptId, nodeId, nodeId));
            var node = _catalog.Create(classType) ?? throw NodeException.KeyError(classType);
            var context = new NodeContext(PromptId, nodeId, classType, _folders, _signatures.PromptAsRecorded(), _request.ExtraData, _cancellation, _progress);
            var calls = NodeCalls.Invoke(node, info, inputs, context, _cancellation);
            var result = new CachedNodeResult(NodeCalls.MergeOutputs(calls, info), UiOutput.Merge([.. calls.Select(c => c.Ui).OfType<UiOutput>()]));
            if (result.Ui is not null)
            {
                _ui.Add(nodeId, result.Ui);
                _sink.Emit(new ExecutedEvent(PromptId, nodeId, nodeId, result.Ui));
            }

            _results[nodeId] = result;
            if (_request.Cache is { } cache && CacheKey(nodeId) is { } key)
            {
                cache.Set(key, result);
            }

            _progress.Finish(nodeId);
            _executed.Add(nodeId);
            return ExecutionOutcome.Success;
        }
        catch (Exception thrown) when (thrown is not OutOfMemoryException)
        {
            var ex = NodeFailure.Unwrap(thrown);
            if (ex is OperationCanceledException && _cancellation.IsCancellationRequested)
            {
                Record(new ExecutionInterruptedEvent(PromptId, nodeId, classType, [.. _executed], Now));
                return ExecutionOutcome.Interrupted;
            }

            Record(new ExecutionErrorEvent(
                PromptId,
                nodeId,
                classType,
                [.. _executed],
                ex.Message + "\n",
                PythonExceptions.TypeName(ex),
                PythonExceptions.Traceback(ex),
                NodeFailure.FormatInputs(inputs),
                CurrentOutputs(),
                Now));
            return ExecutionOutcome.Error;
        }
    }

    // ComfyUI's get_input_data: links give the upstream output list, declared literals a one-item list,
    // hidden inputs their values. Undeclared literals are dropped; a missing upstream value is [None].
    private List<KeyValuePair<string, IReadOnlyList<object?>>> GatherInputs(string nodeId, NodeInfo info)
    {
        var gathered = new List<KeyValuePair<string, IReadOnlyList<object?>>>();
        var inputs = Prompt.Find(nodeId)?.Inputs ?? JObject.Empty;
        foreach (var (name, value) in inputs)
        {
            if (PromptLink.TryParse(value, out var link))
            {
                gathered.Add(new(name, UpstreamOutput(link)));
            }
            else if (info.FindInput(name) is not null || info.Hidden.Any(h => h.Name == name))
            {
                gathered.Add(new(name, [ValueConversion.FromLiteral(value)]));
            }
        }

        foreach (var hidden in info.Hidden)
        {
            IReadOnlyList<object?> hiddenValue = hidden.Kind switch
            {
                HiddenKinds.Prompt => [_signatures.PromptAsRecorded()],
                HiddenKinds.ExtraPngInfo => [_request.ExtraData["extra_pnginfo"]],
                HiddenKinds.UniqueId => [nodeId],
                _ => [null],
            };
            gathered.RemoveAll(g => g.Key == hidden.Name);
            gathered.Add(new(hidden.Name, hiddenValue));
        }

        return gathered;
    }

    private IReadOnlyList<object?> UpstreamOutput(PromptLink link)
    {
        // A node cached at start is never visited when only its descendants run: read its cached result.
        var upstream = _results.GetValueOrDefault(link.NodeId) ?? _cachedAtStart.GetValueOrDefault(link.NodeId);
        if (upstream is null || !link.TryResolveIndex(upstream.Outputs.Count, out var index))
        {
            return [null];
        }

        return upstream.Outputs[index];
    }

    private NodeInfo? InfoOf(string classType)
    {
        if (!_infos.TryGetValue(classType, out var info))
        {
            info = _catalog.Describe(classType, _folders);
            _infos[classType] = info;
        }

        return info;
    }

    private string ClassTypeOf(string nodeId) => Prompt.Find(nodeId)?.ClassType ?? string.Empty;

    private List<string> CurrentOutputs() => [.. Prompt.Nodes.Select(n => n.Id)];

    private void Record(EngineEvent engineEvent)
    {
        _messages.Add(engineEvent);
        _sink.Emit(engineEvent);
    }
}
