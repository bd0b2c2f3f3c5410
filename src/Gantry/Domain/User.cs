namespace Gantry.Domain;

/// <summary>
/// A Gantry user: owns jobs, files and API keys. The scheduling overrides are null when the
/// defaults from settings apply.
/// </summary>
public sealed record User
{
    public required long Id { get; init; }

    public required string Name { get; init; }

    public bool IsAdmin { get; init; }

    public required long CreatedAtMs { get; init; }

    /// <summary>Fair-share weight; a user with weight 2 gets twice the running jobs of a user with weight 1.</summary>
    public double? Weight { get; init; }

    /// <summary>Most jobs of this user running at once.</summary>
    public int? MaxRunning { get; init; }

    /// <summary>Most jobs of this user waiting at once; over it, submits get 429.</summary>
    public int? MaxQueued { get; init; }
}
