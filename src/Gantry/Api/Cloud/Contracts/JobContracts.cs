using System.Text.Json.Serialization;
using Gantry.Api.Json;

namespace Gantry.Api.Cloud.Contracts;

/// <summary>
/// <c>JobStatusResponse</c> of <c>GET /api/job/{job_id}/status</c>. <c>dispatched_at</c> is Gantry's own addition (the
/// schema allows extra properties): when the job was last handed to its worker, left out while it waits in the queue.
/// </summary>
public sealed record JobStatusResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("last_state_update")] string LastStateUpdate,
    [property: JsonPropertyName("assigned_inference"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? AssignedInference,
    [property: JsonPropertyName("error_message"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ErrorMessage,
    [property: JsonPropertyName("dispatched_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DispatchedAt = null);

/// <summary><c>JobsListResponse</c> of <c>GET /api/jobs</c>.</summary>
public sealed record JobsListResponse(
    [property: JsonPropertyName("jobs")] IReadOnlyList<JobEntry> Jobs,
    [property: JsonPropertyName("pagination")] PaginationInfo Pagination);

public sealed record PaginationInfo(
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("has_more")] bool HasMore);

/// <summary><c>JobEntry</c>: the light list item. Fields a state does not have are left out, not null.</summary>
public sealed record JobEntry
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("execution_error")]
    public RawJson? ExecutionError { get; init; }

    [JsonPropertyName("create_time")]
    public required long CreateTime { get; init; }

    [JsonPropertyName("preview_output")]
    public RawJson? PreviewOutput { get; init; }

    [JsonPropertyName("outputs_count")]
    public int? OutputsCount { get; init; }

    [JsonPropertyName("workflow_id")]
    public string? WorkflowId { get; init; }

    [JsonPropertyName("execution_start_time")]
    public long? ExecutionStartTime { get; init; }

    [JsonPropertyName("execution_end_time")]
    public long? ExecutionEndTime { get; init; }
}

/// <summary><c>JobDetailResponse</c> of <c>GET /api/jobs/{job_id}</c>.</summary>
public sealed record JobDetailResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary><c>{"prompt": …, "extra_data": …}</c> with both parts exactly as the client sent them.</summary>
    [JsonPropertyName("workflow")]
    public WorkflowBody? Workflow { get; init; }

    [JsonPropertyName("execution_error")]
    public RawJson? ExecutionError { get; init; }

    [JsonPropertyName("create_time")]
    public required long CreateTime { get; init; }

    [JsonPropertyName("update_time")]
    public required long UpdateTime { get; init; }

    [JsonPropertyName("outputs")]
    public RawJson? Outputs { get; init; }

    [JsonPropertyName("preview_output")]
    public RawJson? PreviewOutput { get; init; }

    [JsonPropertyName("outputs_count")]
    public int? OutputsCount { get; init; }

    [JsonPropertyName("workflow_id")]
    public string? WorkflowId { get; init; }

    [JsonPropertyName("execution_status")]
    public RawJson? ExecutionStatus { get; init; }

    [JsonPropertyName("execution_meta")]
    public RawJson? ExecutionMeta { get; init; }
}

public sealed record WorkflowBody(
    [property: JsonPropertyName("prompt")] RawJson Prompt,
    [property: JsonPropertyName("extra_data")] RawJson ExtraData);

/// <summary>The answer of the cancel endpoints (as OSS ComfyUI's <c>/api/jobs/{id}/cancel</c>).</summary>
public sealed record CancelResponse([property: JsonPropertyName("cancelled")] bool Cancelled);
