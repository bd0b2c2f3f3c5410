namespace Gantry.Scheduling.Leadership;

/// <summary>
/// Leadership where no other instance can exist (a dispatcher built without a store's leadership row, as in unit tests):
/// always the leader, no fencing epoch.
/// </summary>
public sealed class UncontestedElection : ILeaderElection
{
    public static readonly UncontestedElection Instance = new();

    public string InstanceId => "single";

    public long? CurrentEpoch => null;

    public Task<LeaderTerm> AcquireAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new LeaderTerm(epoch: null, () => ValueTask.CompletedTask));
}
