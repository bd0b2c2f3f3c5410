using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gantry.Client;

/// <summary>A job Gantry accepted: its id, its submission number, and where it stands in the caller's own queue.</summary>
public sealed record SubmittedJob(
    string PromptId,
    double Number,
    int? QueuePosition,
    IReadOnlyDictionary<string, JsonElement> NodeErrors);

/// <summary>
/// One job's state in a form scripts and agents can branch on without knowing Gantry's vocabularies.
/// <see cref="Found"/> is false for an id the server does not know; then every flag is false and nothing else is set.
/// </summary>
public sealed record JobReport
{
    public required string PromptId { get; init; }

    public required bool Found { get; init; }

    /// <summary><c>pending</c>, <c>in_progress</c>, <c>completed</c>, <c>failed</c> or <c>cancelled</c> (as <c>/api/jobs</c> says).</summary>
    public string? Status { get; init; }

    /// <summary>ComfyUI's history verdict once done: <c>success</c> or <c>error</c> (a cancelled run is an error there).</summary>
    public string? StatusStr { get; init; }

    public bool Pending { get; init; }

    public bool Running { get; init; }

    public bool Done { get; init; }

    /// <summary>The worker the job was given to, once it was.</summary>
    public string? Worker { get; init; }

    public JobFailure? Error { get; init; }

    /// <summary>Timing and cache figures, once done.</summary>
    public JobStats? Stats { get; init; }

    /// <summary>The files the job produced, once done.</summary>
    public IReadOnlyList<OutputFile>? Outputs { get; init; }

    /// <summary>The text the job produced (PreviewAny, string nodes), once done.</summary>
    public IReadOnlyList<OutputText>? Texts { get; init; }

    [JsonIgnore]
    public bool Succeeded => Status == "completed";

    public static JobReport NotFound(string promptId) => new() { PromptId = promptId, Found = false };
}

/// <summary>A text a node put in its outputs (<c>{"text": ["…"]}</c>, as PreviewAny does).</summary>
public sealed record OutputText(string NodeId, string Text);

/// <summary>Why a job failed or ended: the node, the exception type and the message, as far as they are known.</summary>
public sealed record JobFailure(string? NodeId, string? NodeType, string? Type, string Message);

/// <summary>When a job was queued, started and finished (ISO 8601 UTC), how long it ran, and which nodes came from the cache.</summary>
public sealed record JobStats(
    string? QueuedAt,
    string? StartedAt,
    string? FinishedAt,
    double? DurationSeconds,
    IReadOnlyList<string> CachedNodes,
    int OutputsCount);

/// <summary>A file a job produced: the node that made it and the <c>filename</c>/<c>subfolder</c>/<c>type</c> triple <c>/view</c> takes.</summary>
public sealed record OutputFile(string NodeId, string Filename, string Subfolder, string Type)
{
    /// <summary>Whether the file is a picture an MCP client can show (PNG, JPEG, WebP, GIF).</summary>
    public bool IsImage => ImageMimeType is not null;

    public string? ImageMimeType => Path.GetExtension(Filename).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        _ => null,
    };
}

/// <summary>The caller's queue: jobs on workers, then jobs waiting, each oldest first.</summary>
public sealed record QueueView(IReadOnlyList<QueueEntry> Running, IReadOnlyList<QueueEntry> Pending);

/// <summary>A queued or running job; <see cref="Position"/> counts from 0 across running then pending jobs.</summary>
public sealed record QueueEntry(string PromptId, int Position, double Number, string? CreatedAt);

/// <summary>A finished job as history lists it, with the files it produced.</summary>
public sealed record HistoryItem(string PromptId, string? StatusStr, bool Completed, string? CreatedAt, IReadOnlyList<OutputFile> Outputs);

/// <summary>Where an upload went: use <see cref="Name"/> (and <see cref="Subfolder"/>) as a LoadImage <c>image</c> input.</summary>
public sealed record UploadedImage(string Name, string Subfolder, string Type);

/// <summary>The outcome of a cancel: false when the job had already finished.</summary>
public sealed record CancelOutcome(string PromptId, bool Cancelled, string? Status);

/// <summary>The filters of <c>GET /api/jobs</c>; null leaves a filter to the server's default.</summary>
public sealed record JobListFilter
{
    /// <summary>Comma-separated: pending, in_progress, completed, failed, cancelled.</summary>
    public string? Status { get; init; }

    public string? WorkflowId { get; init; }

    /// <summary>image, video or audio.</summary>
    public string? OutputType { get; init; }

    /// <summary>create_time or execution_time.</summary>
    public string? SortBy { get; init; }

    /// <summary>asc or desc.</summary>
    public string? SortOrder { get; init; }

    public int? Limit { get; init; }

    public int? Offset { get; init; }
}

/// <summary>A node class the fleet can run, summarised: inputs by name with their type, output types.</summary>
public sealed record NodeSummary(
    string Name,
    string? DisplayName,
    string? Category,
    bool OutputNode,
    IReadOnlyList<NodeInputSummary> Inputs,
    IReadOnlyList<string> Outputs);

/// <summary>One input: its type (for a choice, <c>COMBO</c> with the first choices in <see cref="Choices"/>).</summary>
public sealed record NodeInputSummary(string Name, string Type, bool Required, IReadOnlyList<string>? Choices);

/// <summary>An output file written to disk by the CLI.</summary>
public sealed record SavedFile(string NodeId, string Filename, string Subfolder, string Type, string Path);

/// <summary>A finished job and the output files saved from it (<c>gantry submit --wait</c>, <c>gantry outputs</c>).</summary>
public sealed record SavedOutputs(JobReport Job, IReadOnlyList<SavedFile> Files);
