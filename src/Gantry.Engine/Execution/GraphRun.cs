using Gantry.Engine.Catalog;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Execution;

/// <summary>
/// One execution of one prompt (ComfyUI's <c>PromptExecutor.execute</c>): cache lookup, dependency
/// order from the requested outputs, fail-fast node execution with list semantics, events, history.
/// All state is per run; only the <see cref="NodeResultCache"/> is shared.
/// </summary>
internal sealed partial class GraphRun
{
    private readonly ExecutionRequest _request;
    private readonly NodeCatalog _catalog;
    private readonly EngineFolders _folders;
    private readonly IExecutionEventSink _sink;
    private readonly TimeProvider _time;
    private readonly CancellationToken _cancellation;
    private readonly JobMemoryLimits _memoryLimits;
    private readonly HashSet<string> _uiNodes = new(StringComparer.Ordinal);
    private readonly ProgressTracker _progress;
    private readonly NodeSignatures _signatures;
    private readonly Dictionary<string, NodeInfo?> _infos = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedNodeResult> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedNodeResult> _cachedAtStart = new(StringComparer.Ordinal);
    private readonly List<EngineEvent> _messages = [];
    private readonly List<string> _executed = [];
    private readonly List<KeyValuePair<string, JObject>> _uiOutputs = [];
    private readonly List<KeyValuePair<string, NodeMeta>> _meta = [];

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

        var outcome = Execute(Plan());
        if (outcome == ExecutionOutcome.Success)
        {
            Record(new ExecutionSuccessEvent(PromptId, Now));
        }

        return new ExecutionResult(PromptId, outcome, _messages, _uiOutputs, _meta, _executed, cachedNodes)
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
            AddUiOutput(nodeId, cached.Ui);
        }

        _sink.Emit(new ExecutedEvent(PromptId, nodeId, nodeId, cached.Ui));
        _progress.Finish(nodeId);
    }

    private void AddUiOutput(string nodeId, JObject ui)
    {
        if (!_uiNodes.Add(nodeId))
        {
            _uiOutputs.RemoveAll(o => o.Key == nodeId);
            _meta.RemoveAll(m => m.Key == nodeId);
        }

        _uiOutputs.Add(new(nodeId, ui));
        _meta.Add(new(nodeId, new NodeMeta(nodeId, nodeId, null, nodeId)));
    }

    /// <summary>
    /// Dependencies first, depth-first from each requested output in order; cached nodes are not expanded.
    /// Iterative (its own stack), so a chain of any length is planned without deepening the thread's stack.
    /// </summary>
    private ExecutionPlan Plan()
    {
        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var inProgress = new HashSet<string>(StringComparer.Ordinal);
        var stack = new List<(string NodeId, List<string> Dependencies, int Next)>();
        foreach (var output in _request.OutputsToExecute)
        {
            if (done.Contains(output))
            {
                continue;
            }

            inProgress.Add(output);
            stack.Add((output, DependenciesOf(output), 0));
            while (stack.Count > 0)
            {
                var (nodeId, dependencies, next) = stack[^1];
                if (next < dependencies.Count)
                {
                    stack[^1] = (nodeId, dependencies, next + 1);
                    var dependency = dependencies[next];
                    if (done.Contains(dependency))
                    {
                        continue;
                    }

                    if (!inProgress.Add(dependency))
                    {
                        return new ExecutionPlan(order, dependency);
                    }

                    stack.Add((dependency, DependenciesOf(dependency), 0));
                    continue;
                }

                stack.RemoveAt(stack.Count - 1);
                inProgress.Remove(nodeId);
                done.Add(nodeId);
                order.Add(nodeId);
            }
        }

        return new ExecutionPlan(order, null);
    }

    private List<string> DependenciesOf(string nodeId)
    {
        var dependencies = new List<string>();
        if (!_cachedAtStart.ContainsKey(nodeId) && Prompt.Find(nodeId)?.Inputs is { } inputs)
        {
            foreach (var (_, value) in inputs)
            {
                if (PromptLink.TryParse(value, out var link) && Prompt.Contains(link.NodeId) && !_cachedAtStart.ContainsKey(link.NodeId))
                {
                    dependencies.Add(link.NodeId);
                }
            }
        }

        return dependencies;
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

    private sealed record ExecutionPlan(IReadOnlyList<string> Order, string? CycleAt);
}
