using System.Text.Json.Serialization;

namespace Gantry.Webhooks;

/// <summary>A delivered event: <c>{type, timestamp, data}</c>, as Standard Webhooks suggests.</summary>
public sealed record WebhookPayload(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("data")] WebhookJobData Data);

/// <summary>The job an event is about, in v2's words.</summary>
public sealed record WebhookJobData(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("started_at")] string? StartedAt,
    [property: JsonPropertyName("completed_at")] string? CompletedAt,
    [property: JsonPropertyName("error_message")] string? ErrorMessage,
    [property: JsonPropertyName("outputs_count")] int? OutputsCount,
    [property: JsonPropertyName("url")] string Url);

/// <summary><c>POST /api/webhooks</c>.</summary>
public sealed record CreateWebhookRequest(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("events")] string[]? Events,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("all_users")] bool? AllUsers);

/// <summary>An endpoint as the API shows it; <see cref="Secret"/> only in the answer that created it.</summary>
public sealed record WebhookView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("all_users")] bool AllUsers,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("secret")] string? Secret);

public sealed record WebhookList([property: JsonPropertyName("webhooks")] IReadOnlyList<WebhookView> Webhooks);

public sealed record DeliveryView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("next_attempt_at")] string? NextAttemptAt,
    [property: JsonPropertyName("last_attempt_at")] string? LastAttemptAt,
    [property: JsonPropertyName("last_status_code")] int? LastStatusCode,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("response_excerpt")] string? ResponseExcerpt);

public sealed record DeliveryList([property: JsonPropertyName("deliveries")] IReadOnlyList<DeliveryView> Deliveries);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(WebhookPayload))]
[JsonSerializable(typeof(CreateWebhookRequest))]
[JsonSerializable(typeof(WebhookView))]
[JsonSerializable(typeof(WebhookList))]
[JsonSerializable(typeof(DeliveryView))]
[JsonSerializable(typeof(DeliveryList))]
public sealed partial class WebhookJsonContext : JsonSerializerContext;
