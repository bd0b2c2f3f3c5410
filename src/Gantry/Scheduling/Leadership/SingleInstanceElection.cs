using Gantry.Store.Leadership;

namespace Gantry.Scheduling.Leadership;

/// <summary>
/// Leadership on SQLite: one process owns the file, so it is always the leader. It still starts a term in the
/// leadership row, so its dispatcher's transitions are fenced exactly as on PostgreSQL.
/// </summary>
internal sealed class SingleInstanceElection(LeadershipSql sql, TimeProvider time, string instanceId) : ILeaderElection
{
    private long _epoch;

    public string InstanceId => instanceId;

    public long? CurrentEpoch => Volatile.Read(ref _epoch) is var epoch and > 0 ? epoch : null;

    public async Task<LeaderTerm> AcquireAsync(CancellationToken cancellationToken)
    {
        var epoch = await sql.BeginTermAsync(instanceId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        Volatile.Write(ref _epoch, epoch);
        return new LeaderTerm(epoch, () =>
        {
            Volatile.Write(ref _epoch, 0);
            return ValueTask.CompletedTask;
        });
    }
}
