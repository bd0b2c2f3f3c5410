using System.Text.Json.Serialization;
using Gantry.Api.Json;

namespace Gantry.Api.Cloud.Contracts;

/// <summary><c>PromptResponse</c> of <c>POST /api/prompt</c>.</summary>
public sealed record PromptResponse(
    [property: JsonPropertyName("prompt_id")] string PromptId,
    [property: JsonPropertyName("number")] double Number,
    [property: JsonPropertyName("node_errors")] RawJson NodeErrors);

/// <summary><c>PromptInfo</c> of <c>GET /api/prompt</c> (and the <c>status</c> WebSocket message).</summary>
public sealed record PromptInfo([property: JsonPropertyName("exec_info")] ExecInfo ExecInfo);

public sealed record ExecInfo([property: JsonPropertyName("queue_remaining")] int QueueRemaining);

/// <summary>The <c>{error, node_errors}</c> body ComfyUI answers a refused prompt with.</summary>
public sealed record PromptErrorResponse(
    [property: JsonPropertyName("error")] PromptError Error,
    [property: JsonPropertyName("node_errors")] RawJson NodeErrors);

public sealed record PromptError(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("details")] string Details,
    [property: JsonPropertyName("extra_info")] RawJson ExtraInfo);

/// <summary>
/// A submit refused for a reason other than the graph (too large, queue full): both the Cloud
/// <c>{code, message}</c> and ComfyUI's <c>{error, node_errors}</c>, so either kind of client understands it.
/// </summary>
public sealed record PromptRefusal(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("error")] PromptError Error,
    [property: JsonPropertyName("node_errors")] RawJson NodeErrors);
