using System.Data.Common;
using Gantry.Store.Relational;
using Npgsql;

namespace Gantry.Store.Postgres;

/// <summary>
/// The shared store: one PostgreSQL database that several Gantry instances may use at once. Every write is
/// its own transaction (job inserts and transitions are group-committed per instance, by <see cref="PostgresJobBatches"/>); schema migrations
/// run under an advisory lock so instances starting together do not collide.
/// </summary>
public sealed class PostgresGantryStore : RelationalGantryStore
{
    /// <summary>
    /// Connections one instance keeps open at most, unless the connection string says (<c>Maximum Pool Size</c>).
    /// Npgsql's own default, 100, is PostgreSQL's default <c>max_connections</c>: two busy instances then ran the server
    /// out of connections ("sorry, too many clients already"), and requests failed. A request that finds every
    /// connection in use waits for one; on a few cores more connections would only queue inside PostgreSQL instead.
    /// </summary>
    public const int DefaultMaxPoolSize = 25;

    private const int DefaultMaxAutoPrepare = 64;

    private readonly NpgsqlDataSource _dataSource;

    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="timeProvider">The clock for the few writes that are given no time; the system clock by default.</param>
    public PostgresGantryStore(string connectionString, TimeProvider? timeProvider = null)
        : this(BuildDataSource(connectionString), timeProvider)
    {
    }

    private PostgresGantryStore(NpgsqlDataSource dataSource, TimeProvider? timeProvider)
        : base(PostgresDialect.Instance, timeProvider, database => new PostgresJobBatches(dataSource, database))
    {
        _dataSource = dataSource;
    }

    public override string Kind => "postgres";

    /// <summary>The most connections this store's pool opens (<see cref="DefaultMaxPoolSize"/> unless the connection string says).</summary>
    public int MaxPoolSize => new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString).MaxPoolSize;

    /// <summary>The schema version this build migrates to.</summary>
    public static int LatestSchemaVersion => PostgresSchema.Steps[^1].Version;

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await AdvisoryLockAsync(connection, "pg_advisory_lock", cancellationToken);
        try
        {
            await SchemaMigrator.MigrateAsync(
                connection, PostgresSchema.CreateVersionTable, PostgresSchema.Steps, NowMs, cancellationToken);
        }
        finally
        {
            // Closing the session would release it too; unlock explicitly so a pooled connection does not keep it.
            await AdvisoryLockAsync(connection, "pg_advisory_unlock", CancellationToken.None);
        }
    }

    protected override async Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await read(connection, cancellationToken);
    }

    protected override async Task<T> WriteAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await write(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    protected override ValueTask DisposeConnectionsAsync() => _dataSource.DisposeAsync();

    private static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (!Names(connectionString, "MaxAutoPrepare"))
        {
            // The store sends few distinct statements very often: let Npgsql prepare them (saves planning time),
            // unless the connection string chose otherwise.
            builder.ConnectionStringBuilder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        if (!Names(connectionString, "MaximumPoolSize", "MaxPoolSize"))
        {
            builder.ConnectionStringBuilder.MaxPoolSize = DefaultMaxPoolSize;
        }

        return builder.Build();
    }

    /// <summary>Whether the connection string itself sets one of the keywords (compared without case and spaces).</summary>
    internal static bool Names(string connectionString, params string[] keywords)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.Keys.Cast<string>().Any(key =>
            keywords.Any(keyword => string.Equals(key.Replace(" ", "", StringComparison.Ordinal), keyword, StringComparison.OrdinalIgnoreCase)));
    }

    private static async Task AdvisoryLockAsync(NpgsqlConnection connection, string function, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}(@key)", connection);
        command.Parameters.AddWithValue("key", PostgresSchema.MigrationLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
