namespace Gantry.Domain;

/// <summary>A job to insert: the row of a freshly accepted submit, state <see cref="JobState.Queued"/>.</summary>
public sealed record NewJob
{
    public required Guid Id { get; init; }

    public required long UserId { get; init; }

    public required long CreatedAtMs { get; init; }

    public string? WorkflowId { get; init; }

    public string? ClientId { get; init; }

    public double? Number { get; init; }

    public required JobPayload Payload { get; init; }

    /// <summary>
    /// When set, the insert is refused with <see cref="Store.QueueFullException"/> if the user already has this many
    /// jobs waiting (queued or dispatched). The count is taken inside the inserting transaction, under a per-user lock on
    /// PostgreSQL, so the cap holds exactly under any concurrency and across instances.
    /// </summary>
    public int? MaxWaiting { get; init; }

    /// <summary>
    /// The v2 <c>Idempotency-Key</c>, if one came: claimed for the user in the inserting transaction, and the insert refused
    /// with <see cref="Store.IdempotencyKeyReusedException"/> when the user presented it in the last 24 hours.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}
