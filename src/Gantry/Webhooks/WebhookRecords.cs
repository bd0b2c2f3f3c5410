namespace Gantry.Webhooks;

/// <summary>A registered endpoint. <see cref="AllUsers"/>: an admin's endpoint for every user's jobs.</summary>
public sealed record WebhookEndpoint(
    Guid Id, long UserId, bool AllUsers, string Url, string Secret, IReadOnlyList<string> Events, string? Description, long CreatedAtMs);

/// <summary>Where a delivery stands.</summary>
public enum DeliveryStatus
{
    Pending = 0,
    Delivered = 1,
    Failed = 2,
}

/// <summary>One event for one endpoint: the outbox row, and what its attempts came to.</summary>
public sealed record WebhookDelivery
{
    public required Guid Id { get; init; }

    public required Guid EndpointId { get; init; }

    public required Guid JobId { get; init; }

    public required string Event { get; init; }

    public required byte[] Payload { get; init; }

    public required long CreatedAtMs { get; init; }

    public required DeliveryStatus Status { get; init; }

    public int Attempts { get; init; }

    public long NextAttemptAtMs { get; init; }

    public long? LastAttemptAtMs { get; init; }

    public int? LastStatusCode { get; init; }

    public string? LastError { get; init; }

    public string? ResponseExcerpt { get; init; }
}

/// <summary>What one attempt came to.</summary>
public sealed record DeliveryAttempt(bool Succeeded, int? StatusCode, string? Error, string? ResponseExcerpt);
