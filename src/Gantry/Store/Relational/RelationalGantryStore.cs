using System.Data.Common;
using System.Globalization;
using Gantry.Domain;
using Gantry.Store.GroupCommit;

namespace Gantry.Store.Relational;

/// <summary>
/// What the SQLite and PostgreSQL stores share, composed of one collaborator per table group (their SQL agrees on both):
/// <see cref="RelationalUserStore"/> (users and keys), <see cref="RelationalJobStore"/> (jobs, group-committed),
/// <see cref="RelationalJobListing"/> (job list queries), <see cref="RelationalWorkerRegistry"/> and
/// <see cref="RelationalFileIndex"/>. A backend supplies connections (<see cref="ReadAsync{T}"/>, <see cref="WriteAsync{T}"/>),
/// its <see cref="IJobBatchWriter"/> and its schema.
/// </summary>
/// <remarks>
/// Times are the callers' (Unix ms). The store reads <see cref="Time"/> only where a method is given no time:
/// user and key creation, and the schema history.
/// </remarks>
public abstract class RelationalGantryStore : IGantryStore, IRelationalDatabase
{
    private readonly RelationalUserStore _users;
    private readonly RelationalJobStore _jobs;
    private readonly RelationalJobListing _listing;
    private readonly RelationalJobRowListing _rows;
    private readonly RelationalWorkerRegistry _workers;
    private readonly RelationalFileIndex _files;
    private int _disposed;

    /// <param name="batches">Makes the backend's batch writer; given this store for its connections.</param>
    private protected RelationalGantryStore(SqlDialect dialect, TimeProvider? timeProvider, Func<IRelationalDatabase, IJobBatchWriter> batches)
    {
        Dialect = dialect;
        Time = timeProvider ?? TimeProvider.System;
        _users = new RelationalUserStore(this, Time);
        _jobs = new RelationalJobStore(this, batches(this));
        _listing = new RelationalJobListing(this);
        _rows = new RelationalJobRowListing(this);
        _workers = new RelationalWorkerRegistry(this);
        _files = new RelationalFileIndex(this);
    }

    public abstract string Kind { get; }

    /// <summary>How job inserts have been batched (one transaction per batch).</summary>
    public GroupCommitCounters InsertCommits => _jobs.InsertCommits;

    /// <summary>How job transitions have been batched (one transaction per batch).</summary>
    public GroupCommitCounters TransitionCommits => _jobs.TransitionCommits;

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

        await _jobs.DisposeAsync();
        await DisposeConnectionsAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs a read on a connection of the backend's choosing (SQLite: a pooled reader).</summary>
    protected abstract Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>
    /// Runs one query on a read connection (see <see cref="IRelationalDatabase.QueryAsync{T}"/>). By default a command
    /// per call; SQLite keeps the statement prepared per pooled reader, and Npgsql prepares it by itself (auto-prepare).
    /// </summary>
    protected virtual Task<T> QueryAsync<T>(
        string sql, Action<DbCommand> bind, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(sql);
            bind(command);
            await using var rows = await command.ExecuteReaderAsync(ct);
            return await read(rows, ct);
        }, cancellationToken);

    /// <summary>Runs a write in its own transaction and commits it (SQLite: on the one writer connection, serialized).</summary>
    protected abstract Task<T> WriteAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken);

    protected abstract ValueTask DisposeConnectionsAsync();

    SqlDialect IRelationalDatabase.Dialect => Dialect;

    /// <summary>Written in each job transition batch's transaction (the webhook outbox); set once, before the store is used.</summary>
    internal IJobChangeOutbox? ChangeOutbox { get; set; }

    IJobChangeOutbox? IRelationalDatabase.ChangeOutbox => ChangeOutbox;

    Task<T> IRelationalDatabase.ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        => ReadAsync(read, cancellationToken);

    Task<T> IRelationalDatabase.QueryAsync<T>(
        string sql, Action<DbCommand> bind, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        => QueryAsync(sql, bind, read, cancellationToken);

    Task<T> IRelationalDatabase.WriteAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
        => WriteAsync(write, cancellationToken);

    // IJobStore: RelationalJobStore and RelationalJobListing.
    public Task<JobRecord> InsertJobAsync(NewJob job, CancellationToken cancellationToken) => _jobs.InsertJobAsync(job, cancellationToken);

    public Task<JobRecord?> TransitionAsync(JobTransition transition, CancellationToken cancellationToken) =>
        _jobs.TransitionAsync(transition, cancellationToken);

    public Task<JobRecord?> GetJobAsync(Guid id, CancellationToken cancellationToken) => _jobs.GetJobAsync(id, cancellationToken);

    public Task<JobDetail?> GetJobDetailAsync(Guid id, CancellationToken cancellationToken) => _jobs.GetJobDetailAsync(id, cancellationToken);

    public Task<JobPayload?> GetPayloadAsync(Guid id, CancellationToken cancellationToken) => _jobs.GetPayloadAsync(id, cancellationToken);

    public Task<int> DeleteHistoryAsync(long userId, IReadOnlyList<Guid>? ids, CancellationToken cancellationToken) =>
        _jobs.DeleteHistoryAsync(userId, ids, cancellationToken);

    public Task<JobPage> ListJobsAsync(JobListQuery query, CancellationToken cancellationToken) => _listing.ListJobsAsync(query, cancellationToken);

    public Task<long> ListJobRowsAsync(JobListQuery query, JobListRowHandler onRow, CancellationToken cancellationToken) =>
        _rows.ListAsync(query, onRow, cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListUserJobsInStatesAsync(
        long userId, IReadOnlyList<JobState> states, int limit, CancellationToken cancellationToken) =>
        _listing.ListUserJobsInStatesAsync(userId, states, limit, cancellationToken);

    public Task<IReadOnlyList<(JobRecord Job, JobPayload Payload)>> ListUserJobsWithPayloadsAsync(
        long userId, IReadOnlyList<JobState> states, int limit, CancellationToken cancellationToken) =>
        _listing.ListUserJobsWithPayloadsAsync(userId, states, limit, cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListHistoryAsync(long userId, int offset, int limit, CancellationToken cancellationToken) =>
        _listing.ListHistoryAsync(userId, offset, limit, cancellationToken);

    public Task<IReadOnlyList<JobDetail>> ListHistoryDetailsAsync(long userId, int offset, int limit, CancellationToken cancellationToken) =>
        _listing.ListHistoryDetailsAsync(userId, offset, limit, cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListActiveJobsAsync(CancellationToken cancellationToken) => _listing.ListActiveJobsAsync(cancellationToken);

    public Task<int> CountUserJobsInStatesAsync(long userId, IReadOnlyList<JobState> states, CancellationToken cancellationToken) =>
        _listing.CountUserJobsInStatesAsync(userId, states, cancellationToken);

    // IUserStore: RelationalUserStore.
    public event Action? AccessChanged
    {
        add => _users.AccessChanged += value;
        remove => _users.AccessChanged -= value;
    }

    public Task<User> CreateUserAsync(string name, bool isAdmin, CancellationToken cancellationToken) =>
        _users.CreateUserAsync(name, isAdmin, cancellationToken);

    public Task<User?> GetUserAsync(long id, CancellationToken cancellationToken) => _users.GetUserAsync(id, cancellationToken);

    public Task<User?> FindUserByNameAsync(string name, CancellationToken cancellationToken) => _users.FindUserByNameAsync(name, cancellationToken);

    public Task<IReadOnlyList<User>> ListUsersAsync(CancellationToken cancellationToken) => _users.ListUsersAsync(cancellationToken);

    public Task<User?> UpdateUserLimitsAsync(long id, double? weight, int? maxRunning, int? maxQueued, CancellationToken cancellationToken) =>
        _users.UpdateUserLimitsAsync(id, weight, maxRunning, maxQueued, cancellationToken);

    public Task<ApiKeyInfo> CreateApiKeyAsync(long userId, ReadOnlyMemory<byte> keyHash, string prefix, string? name, CancellationToken cancellationToken) =>
        _users.CreateApiKeyAsync(userId, keyHash, prefix, name, cancellationToken);

    public Task<(ApiKeyInfo Key, User User)?> FindActiveApiKeyAsync(ReadOnlyMemory<byte> keyHash, CancellationToken cancellationToken) =>
        _users.FindActiveApiKeyAsync(keyHash, cancellationToken);

    public Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(long? userId, CancellationToken cancellationToken) =>
        _users.ListApiKeysAsync(userId, cancellationToken);

    public Task<bool> RevokeApiKeyAsync(long keyId, long atMs, CancellationToken cancellationToken) =>
        _users.RevokeApiKeyAsync(keyId, atMs, cancellationToken);

    public Task<long> GetAccessFingerprintAsync(CancellationToken cancellationToken) => _users.GetAccessFingerprintAsync(cancellationToken);

    // IWorkerRegistry and IFileIndex: RelationalWorkerRegistry and RelationalFileIndex.
    public Task SaveWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken) => _workers.SaveWorkerAsync(worker, cancellationToken);

    public Task<IReadOnlyList<WorkerRegistration>> ListWorkersAsync(CancellationToken cancellationToken) => _workers.ListWorkersAsync(cancellationToken);

    public Task<bool> RemoveWorkerAsync(string name, CancellationToken cancellationToken) => _workers.RemoveWorkerAsync(name, cancellationToken);

    public Task AddFilesAsync(IReadOnlyList<StoredFile> files, CancellationToken cancellationToken) => _files.AddFilesAsync(files, cancellationToken);

    public Task<StoredFile?> FindFileAsync(long userId, string type, string subfolder, string filename, CancellationToken cancellationToken) =>
        _files.FindFileAsync(userId, type, subfolder, filename, cancellationToken);

    public Task<IReadOnlyList<StoredFile>> ListJobFilesAsync(Guid jobId, CancellationToken cancellationToken) =>
        _files.ListJobFilesAsync(jobId, cancellationToken);
}
