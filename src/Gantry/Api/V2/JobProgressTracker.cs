using System.Collections.Concurrent;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Events;
using Gantry.Jobs;

namespace Gantry.Api.V2;

/// <summary>
/// The latest progress of each running job, kept from the event hub's frames (ComfyUI's <c>executing</c>,
/// <c>execution_cached</c>, <c>executed</c>, <c>progress</c> and preview frames): what <c>GET /api/v2/jobs/{id}</c> shows as
/// <c>progress</c> and what the SSE stream sends on connect. In memory on the instance whose workers run the job; an entry
/// goes when the job ends. Bounded: at most <see cref="MaxJobs"/> jobs, previews of at most <see cref="MaxPreviewBytes"/>.
/// </summary>
public sealed class JobProgressTracker
{
    public const int MaxJobs = 10_000;
    public const int MaxPreviewBytes = 2 * 1024 * 1024;
    private const int MaxNodesPerJob = 100_000;

    private readonly ConcurrentDictionary<Guid, Entry> _jobs = new();

    public JobProgressTracker(EventHub hub, JobSignals signals)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(signals);
        hub.Observer += Observe;
        signals.Changed += Forget;
        signals.ChangedElsewhere += change => Forget(change.JobId, change.State);
    }

    private void Forget(JobRecord job) => Forget(job.Id, job.State);

    private void Forget(Guid jobId, JobState state)
    {
        if (JobStateMachine.IsTerminal(state))
        {
            _jobs.TryRemove(jobId, out _);
        }
    }

    /// <summary>What is known of the job's progress, or null when nothing has been reported (or it ended).</summary>
    public ProgressSnapshot? Get(Guid jobId) => _jobs.TryGetValue(jobId, out var entry) ? entry.Snapshot() : null;

    /// <summary>The job's latest preview image, or null.</summary>
    public PreviewImage? GetPreview(Guid jobId) => _jobs.TryGetValue(jobId, out var entry) ? entry.Preview : null;

    public void Observe(EventFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.JobId is not { } jobId)
        {
            return;
        }

        if (frame.IsBinary)
        {
            if (ReadPreview(frame.Payload.Span) is { } preview && EntryFor(jobId) is { } previewEntry)
            {
                previewEntry.SetPreview(preview);
            }

            return;
        }

        if (frame.Type is not ("execution_start" or "execution_cached" or "executing" or "executed" or "progress"))
        {
            return;
        }

        if (EntryFor(jobId) is not { } entry)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(frame.Payload);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                entry.Apply(frame.Type, data);
            }
        }
        catch (JsonException)
        {
            // A worker's malformed frame says nothing about progress.
        }
    }

    private Entry? EntryFor(Guid jobId)
    {
        if (_jobs.TryGetValue(jobId, out var entry))
        {
            return entry;
        }

        return _jobs.Count >= MaxJobs ? null : _jobs.GetOrAdd(jobId, _ => new Entry());
    }

    private static PreviewImage? ReadPreview(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > MaxPreviewBytes + 4096)
        {
            return null;
        }

        switch (BinaryFrames.EventTypeOf(frame))
        {
            case BinaryFrames.PreviewImage when frame.Length > 8:
                var type = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame[4..]);
                return new PreviewImage(null, type == 2 ? "image/png" : "image/jpeg", frame[8..].ToArray());
            case BinaryFrames.PreviewImageWithMetadata when BinaryFrames.TrySplitPreviewWithMetadata(frame, out var metadata, out var image):
                var (nodeId, contentType) = ReadMetadata(metadata);
                return new PreviewImage(nodeId, contentType ?? "image/jpeg", image.ToArray());
            default:
                return null;
        }
    }

    private static (string? NodeId, string? ContentType) ReadMetadata(ReadOnlySpan<byte> metadata)
    {
        try
        {
            using var document = JsonDocument.Parse(metadata.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var node = root.TryGetProperty("node_id", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            var type = root.TryGetProperty("image_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return (node, type is "image/jpeg" or "image/png" or "image/webp" ? type : null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>One job's progress; every change bumps <see cref="ProgressSnapshot.Version"/>.</summary>
    private sealed class Entry
    {
        private readonly Lock _gate = new();
        private readonly HashSet<string> _done = new(StringComparer.Ordinal);
        private string? _current;
        private int? _step;
        private int? _steps;
        private long _version;
        private PreviewImage? _preview;

        public PreviewImage? Preview => Volatile.Read(ref _preview);

        public void SetPreview(PreviewImage preview)
        {
            lock (_gate)
            {
                _preview = preview with { NodeId = preview.NodeId ?? _current };
            }
        }

        public ProgressSnapshot Snapshot()
        {
            lock (_gate)
            {
                return new ProgressSnapshot(_version, _done.Count, _current, _step, _steps);
            }
        }

        public void Apply(string type, JsonElement data)
        {
            lock (_gate)
            {
                switch (type)
                {
                    case "execution_start":
                        _done.Clear();
                        _current = null;
                        _step = _steps = null;
                        break;
                    case "execution_cached" when data.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array:
                        foreach (var node in nodes.EnumerateArray())
                        {
                            MarkDone(node.ValueKind == JsonValueKind.String ? node.GetString() : null);
                        }

                        break;
                    case "executing":
                        MarkDone(_current);
                        _current = NodeOf(data, "node");
                        _step = _steps = null;
                        break;
                    case "executed":
                        MarkDone(NodeOf(data, "node"));
                        break;
                    case "progress":
                        _current = NodeOf(data, "node") ?? _current;
                        _step = IntOf(data, "value");
                        _steps = IntOf(data, "max");
                        break;
                    default:
                        return;
                }

                _version++;
            }
        }

        private void MarkDone(string? node)
        {
            if (node is not null && _done.Count < MaxNodesPerJob)
            {
                _done.Add(node);
            }
        }

        private static string? NodeOf(JsonElement data, string name)
            => data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static int? IntOf(JsonElement data, string name)
            => data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
                && double.IsFinite(number) && number >= 0 && number <= int.MaxValue
                ? (int)number
                : null;
    }
}

/// <summary>A job's progress as reported so far: the nodes finished, the one running and its sampler steps.</summary>
public sealed record ProgressSnapshot(long Version, int NodesDone, string? CurrentNode, int? Step, int? Steps);

/// <summary>The latest preview image of a job.</summary>
public sealed record PreviewImage(string? NodeId, string ContentType, byte[] Data);
