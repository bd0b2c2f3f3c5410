using System.Globalization;
using Gantry.Domain;
using Gantry.Store.GroupCommit;

namespace Gantry.Store.Relational;

/// <summary>
/// The <c>jobs</c> table and its payloads and results: inserts and transitions are group-committed (one transaction per
/// batch, written by the backend's <see cref="IJobBatchWriter"/>); reads of one job and history deletion are plain statements.
/// </summary>
internal sealed class RelationalJobStore : IAsyncDisposable
{
    /// <summary>Largest id list one <c>DELETE ... IN (...)</c> statement carries.</summary>
    private const int DeleteChunkSize = 500;

    // Fixed texts, so that a backend can keep each prepared (IRelationalDatabase.QueryAsync).
    private static readonly string JobByIdSql = $"SELECT {JobRows.QualifiedColumns} FROM jobs j WHERE j.id = @id";
    private static readonly string JobDetailByIdSql =
        $"SELECT {JobRows.QualifiedColumns}, {JobRows.PayloadColumns}, {JobRows.ResultColumns} " +
        "FROM jobs j JOIN job_payloads p ON p.job_seq = j.seq LEFT JOIN job_results r ON r.job_seq = j.seq WHERE j.id = @id";
    private const string PayloadByIdSql =
        $"SELECT {JobRows.PayloadColumnsWithRequirements} FROM jobs j JOIN job_payloads p ON p.job_seq = j.seq WHERE j.id = @id";

    private readonly IRelationalDatabase _database;
    private readonly GroupCommitQueue<NewJob, JobRecord> _inserts;
    private readonly GroupCommitQueue<JobTransition, JobRecord?> _transitions;

    public RelationalJobStore(IRelationalDatabase database, IJobBatchWriter batches)
    {
        _database = database;
        _inserts = new GroupCommitQueue<NewJob, JobRecord>(batches.CommitInsertsAsync);
        _transitions = new GroupCommitQueue<JobTransition, JobRecord?>(batches.CommitTransitionsAsync);
    }

    /// <summary>How job inserts have been batched (one transaction per batch).</summary>
    public GroupCommitCounters InsertCommits => _inserts.Counters;

    /// <summary>How job transitions have been batched (one transaction per batch).</summary>
    public GroupCommitCounters TransitionCommits => _transitions.Counters;

    public Task<JobRecord> InsertJobAsync(NewJob job, CancellationToken cancellationToken) =>
        _inserts.EnqueueAsync(job, cancellationToken);

    public Task<JobRecord?> TransitionAsync(JobTransition transition, CancellationToken cancellationToken)
    {
        // No state can match: the compare-and-set fails without asking the database.
        return JobTransitionSql.AllowedSources(transition).Count == 0
            ? Task.FromResult<JobRecord?>(null)
            : _transitions.EnqueueAsync(transition, cancellationToken);
    }

    public Task<JobRecord?> GetJobAsync(Guid id, CancellationToken cancellationToken) =>
        _database.QueryAsync(
            JobByIdSql,
            command => _database.Dialect.AddGuid(command, "@id", id),
            async (reader, ct) => await reader.ReadAsync(ct) ? JobRows.Read(reader, _database.Dialect) : null,
            cancellationToken);

    public Task<JobDetail?> GetJobDetailAsync(Guid id, CancellationToken cancellationToken) =>
        _database.QueryAsync(
            JobDetailByIdSql,
            command => _database.Dialect.AddGuid(command, "@id", id),
            async (reader, ct) => await reader.ReadAsync(ct)
                ? new JobDetail(
                    JobRows.Read(reader, _database.Dialect),
                    JobRows.ReadPayload(reader, JobRows.ColumnCount),
                    JobRows.ReadResult(reader, JobRows.ColumnCount + 3))
                : null,
            cancellationToken);

    public Task<JobPayload?> GetPayloadAsync(Guid id, CancellationToken cancellationToken) =>
        _database.QueryAsync(
            PayloadByIdSql,
            command => _database.Dialect.AddGuid(command, "@id", id),
            async (reader, ct) => await reader.ReadAsync(ct) ? JobRows.ReadPayload(reader, 0, withRequirements: true) : null,
            cancellationToken);

    public Task<int> DeleteHistoryAsync(long userId, IReadOnlyList<Guid>? ids, CancellationToken cancellationToken)
    {
        if (ids is { Count: 0 })
        {
            return Task.FromResult(0);
        }

        // Payloads and results go with their job (ON DELETE CASCADE).
        return _database.WriteAsync(async (connection, transaction, ct) =>
        {
            var deleteTerminal =
                $"DELETE FROM jobs WHERE user_id = @user_id AND state IN ({JobRows.StateList(JobStateMachine.TerminalStates)})";
            if (ids is null)
            {
                await using var all = connection.CreateCommand().WithText(deleteTerminal, transaction);
                all.AddInt64("@user_id", userId);
                return await all.ExecuteNonQueryAsync(ct);
            }

            var deleted = 0;
            foreach (var chunk in ids.Distinct().Chunk(DeleteChunkSize))
            {
                await using var some = connection.CreateCommand();
                some.Transaction = transaction;
                some.AddInt64("@user_id", userId);
                var names = new string[chunk.Length];
                for (var i = 0; i < chunk.Length; i++)
                {
                    names[i] = "@id" + i.ToString(CultureInfo.InvariantCulture);
                    _database.Dialect.AddGuid(some, names[i], chunk[i]);
                }

                some.CommandText = $"{deleteTerminal} AND id IN ({string.Join(", ", names)})";
                deleted += await some.ExecuteNonQueryAsync(ct);
            }

            return deleted;
        }, cancellationToken);
    }

    /// <summary>Stops taking writes and commits what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        await _inserts.DisposeAsync();
        await _transitions.DisposeAsync();
    }
}
