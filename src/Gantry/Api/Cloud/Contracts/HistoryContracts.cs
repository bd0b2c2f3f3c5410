using System.Text.Json.Serialization;
using Gantry.Api.Json;

namespace Gantry.Api.Cloud.Contracts;

/// <summary><c>HistoryResponse</c> of the deprecated <c>GET /api/history_v2</c>.</summary>
public sealed record HistoryResponse([property: JsonPropertyName("history")] IReadOnlyList<HistoryEntry> History);

public sealed record HistoryEntry
{
    [JsonPropertyName("prompt_id")]
    public required string PromptId { get; init; }

    [JsonPropertyName("create_time")]
    public required long CreateTime { get; init; }

    [JsonPropertyName("workflow_id")]
    public string? WorkflowId { get; init; }

    [JsonPropertyName("prompt")]
    public required HistoryPromptSummary Prompt { get; init; }

    [JsonPropertyName("outputs")]
    public RawJson? Outputs { get; init; }

    [JsonPropertyName("status")]
    public RawJson? Status { get; init; }

    [JsonPropertyName("meta")]
    public RawJson? Meta { get; init; }
}

public sealed record HistoryPromptSummary(
    [property: JsonPropertyName("priority")] double Priority,
    [property: JsonPropertyName("prompt_id")] string PromptId,
    [property: JsonPropertyName("extra_data")] RawJson ExtraData);

/// <summary>One value of <c>HistoryDetailResponse</c> (<c>GET /api/history_v2/{prompt_id}</c>).</summary>
public sealed record HistoryDetailEntry
{
    [JsonPropertyName("prompt")]
    public required HistoryPromptDetail Prompt { get; init; }

    [JsonPropertyName("outputs")]
    public RawJson? Outputs { get; init; }

    [JsonPropertyName("status")]
    public RawJson? Status { get; init; }

    [JsonPropertyName("meta")]
    public RawJson? Meta { get; init; }
}

public sealed record HistoryPromptDetail(
    [property: JsonPropertyName("priority")] double Priority,
    [property: JsonPropertyName("prompt_id")] string PromptId,
    [property: JsonPropertyName("prompt")] RawJson Prompt,
    [property: JsonPropertyName("extra_data")] RawJson ExtraData,
    [property: JsonPropertyName("outputs_to_execute")] IReadOnlyList<string> OutputsToExecute);
