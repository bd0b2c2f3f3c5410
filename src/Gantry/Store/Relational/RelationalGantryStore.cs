using System.Data.Common;
using System.Globalization;
using Gantry.Jobs;
using Gantry.Store.GroupCommit;

namespace Gantry.Store.Relational;

/// <summary>
/// What the SQLite and PostgreSQL stores share: the statements (their SQL agrees), the row mapping, and the
/// group commit of job inserts and transitions. A backend supplies connections (<see cref="ReadAsync{T}"/>,
/// <see cref="WriteAsync{T}"/>), the two batch writers and its schema.
/// </summary>
/// <remarks>
/// Times are the callers' (Unix ms). The store reads <see cref="Time"/> only where a method is given no time:
/// user and key creation, and the schema history.
/// </remarks>
public abstract partial class RelationalGantryStore : IGantryStore, IRelationalDatabase
{
    private readonly GroupCommitQueue<NewJob, JobRecord> _inserts;
    private readonly GroupCommitQueue<JobTransition, JobRecord?> _transitions;
    private int _disposed;

    private protected RelationalGantryStore(SqlDialect dialect, TimeProvider? timeProvider)
    {
        Dialect = dialect;
        Time = timeProvider ?? TimeProvider.System;
        _inserts = new GroupCommitQueue<NewJob, JobRecord>(CommitInsertsAsync);
        _transitions = new GroupCommitQueue<JobTransition, JobRecord?>(CommitTransitionsAsync);
    }

    public abstract string Kind { get; }

    /// <summary>How job inserts have been batched (one transaction per batch).</summary>
    public GroupCommitCounters InsertCommits => _inserts.Counters;

    /// <summary>How job transitions have been batched (one transaction per batch).</summary>
    public GroupCommitCounters TransitionCommits => _transitions.Counters;

    protected TimeProvider Time { get; }

    private protected SqlDialect Dialect { get; }

    private protected long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The schema version the database is at (0 before <see cref="InitializeAsync"/>).</summary>
    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(SchemaMigrator.CurrentVersionSql);
            return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>Stops taking writes, commits what is queued, closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _inserts.DisposeAsync();
        await _transitions.DisposeAsync();
        await DisposeConnectionsAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs a read on a connection of the backend's choosing (SQLite: a pooled reader).</summary>
    protected abstract Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>Runs a write in its own transaction and commits it (SQLite: on the one writer connection, serialized).</summary>
    protected abstract Task<T> WriteAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken);

    /// <summary>Inserts the jobs in ONE transaction and commits; one outcome per job (duplicates fail alone).</summary>
    protected abstract Task<GroupCommitOutcome<JobRecord>[]> CommitInsertsAsync(IReadOnlyList<NewJob> jobs, CancellationToken cancellationToken);

    /// <summary>Applies the transitions in order in ONE transaction and commits; one outcome per transition.</summary>
    protected abstract Task<GroupCommitOutcome<JobRecord?>[]> CommitTransitionsAsync(
        IReadOnlyList<JobTransition> transitions, CancellationToken cancellationToken);

    protected abstract ValueTask DisposeConnectionsAsync();

    SqlDialect IRelationalDatabase.Dialect => Dialect;

    Task<T> IRelationalDatabase.ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        => ReadAsync(read, cancellationToken);

    Task<T> IRelationalDatabase.WriteAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
        => WriteAsync(write, cancellationToken);

    /// <summary>
    /// What an insert came to: the new row when it got a sequence; else a duplicate id when
    /// <paramref name="duplicate"/>, else an owner that does not exist. Either failure wrote nothing.
    /// </summary>
    private protected static GroupCommitOutcome<JobRecord> InsertOutcome(NewJob job, long? sequence, bool duplicate) =>
        sequence is { } seq ? GroupCommitOutcome<JobRecord>.Success(JobRows.Inserted(job, seq))
        : duplicate ? GroupCommitOutcome<JobRecord>.Failure(new DuplicateJobException(job.Id))
        : GroupCommitOutcome<JobRecord>.Failure(new InvalidOperationException($"User {job.UserId} does not exist."));

    /// <summary>A job refused because its user had <paramref name="waiting"/> jobs waiting, at or over its cap.</summary>
    private protected static GroupCommitOutcome<JobRecord> QueueFullOutcome(NewJob job, int waiting) =>
        GroupCommitOutcome<JobRecord>.Failure(new QueueFullException(waiting, job.MaxWaiting ?? 0));

    /// <summary>Counts a user's waiting jobs (queued or dispatched): the cap's count, taken inside the inserting transaction.</summary>
    private protected const string CountWaitingSql = "SELECT COUNT(*) FROM jobs WHERE user_id = @user_id AND state IN (0, 1)";
}
