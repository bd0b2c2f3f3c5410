using System.Data.Common;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>
/// Rows a feature writes in the SAME transaction as a batch of job transitions (a transactional outbox): what the moves
/// cause is committed exactly when the moves are, so a crash right after a commit cannot lose it. The webhook delivery
/// outbox is the one user.
/// </summary>
internal interface IJobChangeOutbox
{
    /// <summary>
    /// Writes the rows the committed-to-be moves cause, on <paramref name="connection"/> inside <paramref name="transaction"/>.
    /// A failure fails the whole batch (its moves are not committed).
    /// </summary>
    /// <param name="moved">The jobs as the batch's matched transitions left them, in the order they were applied.</param>
    Task AppendAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<JobRecord> moved, CancellationToken cancellationToken);
}
