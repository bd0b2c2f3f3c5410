namespace Gantry.Scheduling.Leadership;

/// <summary>
/// How this instance becomes the one that dispatches. Exactly one instance holds a term at a time; a term ends when
/// its holder stops (<see cref="LeaderTerm.DisposeAsync"/>) or loses its hold (<see cref="LeaderTerm.Lost"/>).
/// </summary>
public interface ILeaderElection
{
    /// <summary>This instance's name in the leadership row and the logs.</summary>
    string InstanceId { get; }

    /// <summary>The epoch of the term this instance holds now, or null while it follows.</summary>
    long? CurrentEpoch { get; }

    /// <summary>Waits until this instance leads; returns its term.</summary>
    Task<LeaderTerm> AcquireAsync(CancellationToken cancellationToken);
}
