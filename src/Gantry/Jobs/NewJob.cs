namespace Gantry.Jobs;

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
}
