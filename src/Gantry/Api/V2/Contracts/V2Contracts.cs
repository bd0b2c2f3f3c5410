using System.Text.Json.Serialization;
using Gantry.Api.Json;

namespace Gantry.Api.V2.Contracts;

/// <summary>The v2 <c>Job</c>. Nullable members are written as null, never left out (the spec lists them as required).</summary>
public sealed record V2Job(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("started_at")] string? StartedAt,
    [property: JsonPropertyName("completed_at")] string? CompletedAt,
    [property: JsonPropertyName("expires_at")] string ExpiresAt,
    [property: JsonPropertyName("queue_position")] int? QueuePosition,
    [property: JsonPropertyName("progress")] V2Progress? Progress,
    [property: JsonPropertyName("outputs")] IReadOnlyList<V2Output> Outputs,
    [property: JsonPropertyName("error")] V2JobError? Error,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, long?> Metrics,
    [property: JsonPropertyName("urls")] V2JobUrls Urls);

/// <summary>A complete progress snapshot: one re-syncs a client.</summary>
public sealed record V2Progress(
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("nodes_done")] int NodesDone,
    [property: JsonPropertyName("nodes_total")] int NodesTotal,
    [property: JsonPropertyName("current_node")] string? CurrentNode,
    [property: JsonPropertyName("current_node_class")] string? CurrentNodeClass,
    [property: JsonPropertyName("step")] int? Step,
    [property: JsonPropertyName("steps")] int? Steps,
    [property: JsonPropertyName("message")] string? Message);

/// <summary>A committed output.</summary>
public sealed record V2Output(
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("content_type")] string ContentType,
    [property: JsonPropertyName("size_bytes")] long SizeBytes,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("hash")] string? Hash,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("url_expires_at")] string UrlExpiresAt,
    [property: JsonPropertyName("job_id")] string? JobId);

public sealed record V2JobError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("node_id")] string? NodeId,
    [property: JsonPropertyName("class_type")] string? ClassType,
    [property: JsonPropertyName("traceback")] string? Traceback);

public sealed record V2JobUrls(
    [property: JsonPropertyName("self")] string Self,
    [property: JsonPropertyName("events")] string Events,
    [property: JsonPropertyName("cancel")] string Cancel);

public sealed record V2JobWorkflow(
    [property: JsonPropertyName("workflow")] RawJson Workflow,
    [property: JsonPropertyName("format")] string Format);

/// <summary>The v2 <c>ErrorEnvelope</c>.</summary>
public sealed record V2ErrorEnvelope([property: JsonPropertyName("error")] V2ErrorBody Error);

public sealed record V2ErrorBody(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("details")] RawJson? Details);

/// <summary>The SSE <c>status</c> event.</summary>
public sealed record V2StatusEvent(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("queue_position")] int? QueuePosition);

/// <summary>The SSE <c>preview</c> event.</summary>
public sealed record V2PreviewEvent(
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("content_type")] string ContentType,
    [property: JsonPropertyName("data_base64")] string DataBase64);

/// <summary>The v2 <c>Asset</c>: a record over a content-addressed blob, with a fresh short-lived content link.</summary>
public sealed record V2Asset(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("hash")] string? Hash,
    [property: JsonPropertyName("size_bytes")] long SizeBytes,
    [property: JsonPropertyName("content_type")] string ContentType,
    [property: JsonPropertyName("file_path")] string? FilePath,
    [property: JsonPropertyName("created_new"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? CreatedNew,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("url_expires_at")] string UrlExpiresAt,
    [property: JsonPropertyName("expires_at")] string? ExpiresAt,
    [property: JsonPropertyName("job_id")] string? JobId);
