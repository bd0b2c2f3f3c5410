using Gantry.Engine.Json;
using Gantry.Outputs;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// A job a <see cref="ComfyUiWorker"/> holds: what it has seen of the job on the socket, and whether its end is
/// already being reported. Fields are guarded by <see cref="Gate"/>; <see cref="TryClaimEnd"/> makes sure exactly
/// one path (socket, polling, cancel, loss) reports the end.
/// </summary>
internal sealed class TrackedJob(WorkerJob job, bool accepted)
{
    private int _ending;

    public WorkerJob Job { get; } = job;

    public Guid Id => Job.JobId;

    public Lock Gate { get; } = new();

    /// <summary>The worker queued it (POST /prompt answered 200, or it was found there on reconcile).</summary>
    public bool Accepted { get; set; } = accepted;

    /// <summary>Socket messages that arrived before the POST answered (a cached prompt can end that fast).</summary>
    public List<object> Early { get; } = [];

    public bool Started { get; set; }

    /// <summary>
    /// Its events come to our socket (it was posted with our client id). A job found on the worker after a Gantry
    /// restart was posted under an earlier client id: it is followed by polling instead.
    /// </summary>
    public bool Watched { get; set; } = true;

    public bool CancelRequested { get; set; }

    /// <summary>The worker said the prompt is done (<c>executing</c> with <c>node: null</c>).</summary>
    public bool DoneSeen { get; set; }

    /// <summary>The run as the socket showed it, for when the worker's history never appears.</summary>
    public ObservedRun Observed { get; } = new();

    /// <summary>The files imported so far: each <c>executed</c>'s as it came, then the history's.</summary>
    public ImportedFileSet Imported { get; } = new();

    /// <summary>Everything relayed so far has been passed on (read under <see cref="Gate"/>).</summary>
    public Task Relayed { get; private set; } = Task.CompletedTask;

    public bool IsEnding => Volatile.Read(ref _ending) != 0;

    /// <summary>
    /// Passes something on after everything relayed before it (the caller holds <see cref="Gate"/>): runs at once
    /// when nothing is pending, else waits its turn (an <c>executed</c> whose files are being imported holds back
    /// what came after it). <paramref name="work"/> must not throw.
    /// </summary>
    public void Relay(Func<Task> work) => Relayed = Chain(Relayed, work);

    private static async Task Chain(Task before, Func<Task> work)
    {
        await before;
        await work();
    }

    /// <summary>True for the one caller that gets to report the job's end.</summary>
    public bool TryClaimEnd() => Interlocked.CompareExchange(ref _ending, 1, 0) == 0;
}

/// <summary>
/// The execution events and UI outputs of one run as they came over the socket: enough to rebuild the history
/// item when the worker's <c>/history</c> never shows it.
/// </summary>
internal sealed class ObservedRun
{
    private static readonly HashSet<string> StatusMessages =
        ["execution_start", "execution_cached", "execution_success", "execution_error", "execution_interrupted"];

    private readonly List<JValue> _messages = [];
    private readonly List<KeyValuePair<string, JValue>> _outputs = [];
    private readonly List<KeyValuePair<string, JValue>> _meta = [];

    /// <summary>A terminal event (success, error, interrupted) was seen.</summary>
    public string? Terminal { get; private set; }

    public void Record(ComfyUiEvent message)
    {
        if (StatusMessages.Contains(message.Type) && (message.Type != "execution_error" || message.Timestamp is not null))
        {
            // ExecutionBlocked errors come without a timestamp and are not terminal: ComfyUI keeps them out of history too.
            _messages.Add(JArray.Of(message.Type, message.Data));
            if (message.Type is "execution_success" or "execution_error" or "execution_interrupted")
            {
                Terminal = message.Type;
            }
        }
        else if (message.Type == "executed" && ComfyJson.String(message.Data, "node") is { } node)
        {
            if (message.Data["output"] is JObject output)
            {
                _outputs.Add(new(node, Merge(_outputs.LastOrDefault(o => o.Key == node).Value as JObject, output)));
            }

            var display = ComfyJson.String(message.Data, "display_node") ?? node;
            _meta.Add(new(node, new JObject([new("node_id", node), new("display_node", display), new("parent_node", JValue.Null), new("real_node_id", node)])));
        }
    }

    /// <summary>The run as a ComfyUI history item (<c>{outputs, status, meta}</c>).</summary>
    public JObject ToHistoryEntry()
    {
        var success = Terminal == "execution_success";
        var status = new JObject([new("status_str", success ? "success" : "error"), new("completed", success), new("messages", new JArray(_messages))]);
        return new JObject([new("outputs", new JObject(_outputs)), new("status", status), new("meta", new JObject(_meta))]);
    }

    /// <summary>A node that runs again in one prompt (loops) adds its files to what it showed before, as ComfyUI's history does.</summary>
    private static JObject Merge(JObject? before, JObject now)
    {
        if (before is null)
        {
            return now;
        }

        var merged = new List<KeyValuePair<string, JValue>>(before);
        foreach (var (key, value) in now)
        {
            var index = merged.FindIndex(m => m.Key == key);
            if (index >= 0 && merged[index].Value is JArray earlier && value is JArray later)
            {
                merged[index] = new(key, new JArray(earlier.Concat(later)));
            }
            else
            {
                merged.Add(new(key, value));
            }
        }

        return new JObject(merged);
    }
}
