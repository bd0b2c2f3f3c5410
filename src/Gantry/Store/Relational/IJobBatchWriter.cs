using Gantry.Domain;
using Gantry.Store.GroupCommit;

namespace Gantry.Store.Relational;

/// <summary>
/// A backend's two batch writers behind the group commit of <see cref="RelationalJobStore"/>: each call is ONE
/// transaction, committed before it returns, with one outcome per item in the items' order.
/// </summary>
internal interface IJobBatchWriter
{
    /// <summary>Inserts the jobs in one transaction; a duplicate id, unknown owner or full queue fails that job alone.</summary>
    Task<GroupCommitOutcome<JobRecord>[]> CommitInsertsAsync(IReadOnlyList<NewJob> jobs, CancellationToken cancellationToken);

    /// <summary>Applies the transitions in order in one transaction; a transition whose state did not match yields null.</summary>
    Task<GroupCommitOutcome<JobRecord?>[]> CommitTransitionsAsync(IReadOnlyList<JobTransition> transitions, CancellationToken cancellationToken);
}
