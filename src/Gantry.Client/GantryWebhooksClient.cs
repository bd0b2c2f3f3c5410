using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Gantry.Client;

/// <summary>
/// The webhook API (<c>/api/webhooks</c>), typed: register an endpoint (its secret is shown only in that answer), list,
/// delete, see an endpoint's deliveries, and send one again. A user sees their own endpoints; an admin sees all.
/// </summary>
public sealed class GantryWebhooksClient(GantryHttpClient http)
{
    /// <summary>Registers <paramref name="url"/> for <paramref name="events"/> (null: all); the answer carries the secret, once.</summary>
    public async Task<WebhookEndpointInfo> CreateAsync(
        string url, IReadOnlyList<string>? events, string? description, bool allUsers, CancellationToken cancellationToken)
    {
        var body = new CreateWebhookBody(url, events, description, allUsers ? true : null);
        return Read(await http.PostAsync("api/webhooks", body, WebhooksJsonContext.Default.CreateWebhookBody, cancellationToken), WebhooksJsonContext.Default.WebhookEndpointInfo);
    }

    public Task<JsonElement> ListJsonAsync(CancellationToken cancellationToken) => http.GetAsync("api/webhooks", cancellationToken);

    public async Task<IReadOnlyList<WebhookEndpointInfo>> ListAsync(CancellationToken cancellationToken)
        => Read(await ListJsonAsync(cancellationToken), WebhooksJsonContext.Default.WebhookEndpointList).Webhooks;

    /// <summary>Deletes the endpoint and its deliveries.</summary>
    public Task DeleteAsync(string id, CancellationToken cancellationToken)
        => http.DeleteAsync($"api/webhooks/{GantryHttpClient.Segment(id)}", cancellationToken);

    /// <summary>The endpoint's latest deliveries (newest first), as the server answers them.</summary>
    public Task<JsonElement> DeliveriesJsonAsync(string id, int? limit, CancellationToken cancellationToken)
        => http.GetAsync(
            $"api/webhooks/{GantryHttpClient.Segment(id)}/deliveries{(limit is { } n ? "?limit=" + n.ToString(CultureInfo.InvariantCulture) : "")}", cancellationToken);

    public async Task<IReadOnlyList<WebhookDeliveryInfo>> DeliveriesAsync(string id, int? limit, CancellationToken cancellationToken)
        => Read(await DeliveriesJsonAsync(id, limit, cancellationToken), WebhooksJsonContext.Default.WebhookDeliveryList).Deliveries;

    /// <summary>Puts a delivery back in the outbox, due now (same message id, so a receiver can tell it is the same event).</summary>
    public Task RedeliverAsync(string id, string deliveryId, CancellationToken cancellationToken)
        => http.PostAsync($"api/webhooks/{GantryHttpClient.Segment(id)}/deliveries/{GantryHttpClient.Segment(deliveryId)}/redeliver", null, cancellationToken);

    private static T Read<T>(JsonElement body, JsonTypeInfo<T> type)
        => JsonSerializer.Deserialize(body, type) ?? throw new GantryHttpException(GantryFailure.Unavailable, "The webhook API answered null.");
}

/// <summary>A webhook endpoint; <see cref="Secret"/> (<c>whsec_…</c>) only in the answer that created it.</summary>
public sealed record WebhookEndpointInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("all_users")] bool AllUsers,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("secret")] string? Secret);

/// <summary>One event for one endpoint and what its attempts came to.</summary>
public sealed record WebhookDeliveryInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("next_attempt_at")] string? NextAttemptAt,
    [property: JsonPropertyName("last_attempt_at")] string? LastAttemptAt,
    [property: JsonPropertyName("last_status_code")] int? LastStatusCode,
    [property: JsonPropertyName("last_error")] string? LastError);

internal sealed record WebhookEndpointList([property: JsonPropertyName("webhooks")] IReadOnlyList<WebhookEndpointInfo> Webhooks);

internal sealed record WebhookDeliveryList([property: JsonPropertyName("deliveries")] IReadOnlyList<WebhookDeliveryInfo> Deliveries);

/// <summary>The body of <c>POST /api/webhooks</c>.</summary>
internal sealed record CreateWebhookBody(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("events")] IReadOnlyList<string>? Events,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("all_users")] bool? AllUsers);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookEndpointInfo))]
[JsonSerializable(typeof(WebhookEndpointList))]
[JsonSerializable(typeof(WebhookDeliveryList))]
[JsonSerializable(typeof(CreateWebhookBody))]
internal sealed partial class WebhooksJsonContext : JsonSerializerContext;
