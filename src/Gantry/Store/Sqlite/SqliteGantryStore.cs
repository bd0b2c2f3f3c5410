using System.Data.Common;
using Gantry.Store.Relational;
using Microsoft.Data.Sqlite;

namespace Gantry.Store.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a commit survives
/// kill -9 and power loss. All writes go through one writer connection, one transaction at a time; reads
/// run in parallel on pooled read-only connections. Job inserts and transitions are group-committed by <see cref="SqliteJobBatches"/>.
/// </summary>
public sealed class SqliteGantryStore : RelationalGantryStore
{
    private const int BusyTimeoutMs = 10_000;
    private const int WriterCacheKiB = 64 * 1024;

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly string _writerConnectionString;
    private readonly string _readerConnectionString;
    private SqliteConnection? _writer;
    private SqliteReaderPool? _readers;

    /// <param name="databasePath">The database file; created (with its folder) if missing.</param>
    /// <param name="timeProvider">The clock for the few writes that are given no time; the system clock by default.</param>
    public SqliteGantryStore(string databasePath, TimeProvider? timeProvider = null)
        : base(SqliteDialect.Instance, timeProvider, database => new SqliteJobBatches(database, new WaitingBounds()))
    {
        DatabasePath = Path.GetFullPath(databasePath);
        _writerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        _readerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
    }

    public override string Kind => "sqlite";

    public string DatabasePath { get; }

    /// <summary>The schema version this build migrates to.</summary>
    public static int LatestSchemaVersion => SqliteSchema.Steps[^1].Version;

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            _writer ??= OpenWriter();
            await SchemaMigrator.MigrateAsync(_writer, SqliteSchema.CreateVersionTable, SqliteSchema.Steps, NowMs, cancellationToken);
            _readers ??= new SqliteReaderPool(_readerConnectionString, Math.Max(4, Environment.ProcessorCount * 2));
        }
        finally
        {
            _writeGate.Release();
        }
    }

    protected override async Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var readers = _readers ?? throw NotOpen();
        var connection = readers.Rent();
        try
        {
            return await read(connection.Connection, cancellationToken);
        }
        finally
        {
            readers.Return(connection);
        }
    }

    /// <summary>On a pooled reader, with the statement kept prepared on that connection (see <see cref="SqliteReadConnection"/>).</summary>
    protected override async Task<T> QueryAsync<T>(
        string sql, Action<DbCommand> bind, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var readers = _readers ?? throw NotOpen();
        var connection = readers.Rent();
        try
        {
            var command = connection.Command(sql, out var kept);
            try
            {
                bind(command);
                await using var rows = await command.ExecuteReaderAsync(cancellationToken);
                return await read(rows, cancellationToken);
            }
            finally
            {
                if (!kept)
                {
                    await command.DisposeAsync();
                }
            }
        }
        finally
        {
            readers.Return(connection);
        }
    }

    protected override async Task<T> WriteAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var writer = _writer ?? throw NotOpen();
            await using var transaction = writer.BeginTransaction();
            var result = await write(writer, transaction, cancellationToken);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    protected override async ValueTask DisposeConnectionsAsync()
    {
        await _writeGate.WaitAsync();
        try
        {
            _readers?.Dispose();
            _readers = null;
            _writer?.Dispose();
            _writer = null;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection OpenWriter()
    {
        var folder = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            DataFolder.CreateDirectory(folder);
        }

        // The database is 0600 before SQLite opens it, and SQLite creates its -wal and -shm files with the same mode.
        DataFolder.EnsurePrivateFile(DatabasePath);
        foreach (var companion in new[] { DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            if (File.Exists(companion))
            {
                DataFolder.EnsurePrivateFile(companion);
            }
        }

        var writer = new SqliteConnection(_writerConnectionString);
        try
        {
            writer.Open();
            using (var wal = writer.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL";
                var mode = wal.ExecuteScalar() as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite could not switch {DatabasePath} to WAL mode (got '{mode}').");
                }
            }

            // FULL: the WAL is synced at every commit, so an acknowledged commit survives power loss.
            // The writer's page cache holds the hot parts of the job indexes that every insert touches.
            Execute(writer, $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA foreign_keys = ON; " +
                $"PRAGMA cache_size = -{WriterCacheKiB}");
            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    private InvalidOperationException NotOpen() =>
        new($"The SQLite store {DatabasePath} is not open: call InitializeAsync first, and not after DisposeAsync.");
}
