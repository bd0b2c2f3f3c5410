using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>
/// ComfyUI's progress registry for one run: keeps each started node's state and sends
/// <c>progress_state</c> (all non-pending nodes) on every start, update and finish, plus
/// <c>progress</c> and previews for node reports. Updates are throttled like ComfyUI's ProgressBar:
/// at most one per interval per node and only for a change of at least 0.5 %, except the first,
/// the last (value ≥ max) and preview-carrying ones. Safe to call from a node's parallel loops.
/// ComfyUI lists every non-pending node in each <c>progress_state</c>, which costs the square of the graph's size;
/// here one lists the <see cref="StatesSent"/> most recently started nodes (the running one among them: nodes run
/// one at a time), which is all of them in any graph of that size or less.
/// </summary>
internal sealed class ProgressTracker : IProgressSink
{
    /// <summary>The most node states one <c>progress_state</c> carries.</summary>
    internal const int StatesSent = 64;

    private static readonly JValue Zero = new JFloat(0.0);
    private static readonly JValue One = new JFloat(1.0);

    private readonly string _promptId;
    private readonly IExecutionEventSink _sink;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly OrderedDictionary<string, NodeProgressState> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Timestamp, long Value)> _lastSent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ProgressTracker(string promptId, IExecutionEventSink sink, TimeProvider time, TimeSpan interval)
    {
        _promptId = promptId;
        _sink = sink;
        _time = time;
        _interval = interval;
    }

    public void Start(string nodeId)
    {
        lock (_lock)
        {
            _nodes[nodeId] = new NodeProgressState(nodeId, Zero, One, "running");
            SendState();
        }
    }

    public void Finish(string nodeId)
    {
        lock (_lock)
        {
            var max = _nodes.TryGetValue(nodeId, out var entry) ? entry.Max : One;
            _nodes[nodeId] = new NodeProgressState(nodeId, max, max, "finished");
            SendState();
        }
    }

    public void Report(NodeContext context, long value, long max, PreviewImage? preview)
    {
        lock (_lock)
        {
            if (!ShouldSend(context.NodeId, value, max, preview))
            {
                return;
            }

            _nodes[context.NodeId] = new NodeProgressState(context.NodeId, new JInt(value), new JInt(max), "running");
            SendState();
            if (preview is not null)
            {
                _sink.Emit(new PreviewImageEvent(_promptId, context.NodeId, preview));
            }

            _sink.Emit(new ProgressEvent(_promptId, context.NodeId, value, max));
        }
    }

    private bool ShouldSend(string nodeId, long value, long max, PreviewImage? preview)
    {
        var now = _time.GetTimestamp();
        var first = !_lastSent.TryGetValue(nodeId, out var last);
        if (!first && value < max && preview is null && _interval > TimeSpan.Zero)
        {
            var elapsed = _time.GetElapsedTime(last.Timestamp, now);
            var smallChange = max > 0 && Math.Abs(value - last.Value) * 200 < max;
            if (elapsed < _interval || smallChange)
            {
                return false;
            }
        }

        _lastSent[nodeId] = (now, value);
        return true;
    }

    private void SendState()
    {
        var first = Math.Max(0, _nodes.Count - StatesSent);
        var states = new NodeProgressState[_nodes.Count - first];
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = _nodes.GetAt(first + i).Value;
        }

        _sink.Emit(new ProgressStateEvent(_promptId, states));
    }
}
