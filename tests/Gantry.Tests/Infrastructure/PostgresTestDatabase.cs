using Npgsql;

namespace Gantry.Tests.Infrastructure;

/// <summary>
/// A fresh PostgreSQL database (<c>gantry_t_&lt;random&gt;</c>) on the server named by <c>GANTRY_TEST_POSTGRES</c>,
/// dropped on dispose. Start the server with <c>scripts/start-postgres.sh</c>, which prints that connection string.
/// </summary>
/// <remarks>
/// Without <c>GANTRY_TEST_POSTGRES</c>, PostgreSQL tests are skipped on a developer machine and fail on CI
/// (when the <c>CI</c> variable is set): see <see cref="SkipReason"/>.
/// </remarks>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "GANTRY_TEST_POSTGRES";

    private readonly string _serverConnectionString;

    private PostgresTestDatabase(string serverConnectionString, string databaseName)
    {
        _serverConnectionString = serverConnectionString;
        DatabaseName = databaseName;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = databaseName }.ConnectionString;
    }

    /// <summary>The connection string of the fresh database.</summary>
    public string ConnectionString { get; }

    public string DatabaseName { get; }

    /// <summary>The server connection string from <c>GANTRY_TEST_POSTGRES</c>, or null when it is not set.</summary>
    public static string? ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value ? value : null;

    /// <summary>
    /// Null when PostgreSQL tests can run; else why not, as a skip reason.
    /// </summary>
    /// <exception cref="InvalidOperationException">On CI (<c>CI</c> is set) without a PostgreSQL server: there the tests must run.</exception>
    public static string? SkipReason
    {
        get
        {
            if (ServerConnectionString is not null)
            {
                return null;
            }

            const string Missing = $"{ServerVariable} is not set; run `export {ServerVariable}=\"$(scripts/start-postgres.sh)\"` to run the PostgreSQL tests.";
            return Environment.GetEnvironmentVariable("CI") is { Length: > 0 }
                ? throw new InvalidOperationException($"CI is set but {Missing}")
                : Missing;
        }
    }

    /// <summary>Creates a new, empty database on the test server.</summary>
    public static async Task<PostgresTestDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var server = ServerConnectionString
            ?? throw new InvalidOperationException($"{ServerVariable} is not set.");
        var database = new PostgresTestDatabase(server, "gantry_t_" + Guid.NewGuid().ToString("N")[..16]);
        await database.ExecuteOnServerAsync($"CREATE DATABASE {database.DatabaseName}", cancellationToken);
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", CancellationToken.None);
    }

    /// <summary>Runs <paramref name="sql"/> on the server's maintenance database (not in this one), from an unpooled session.</summary>
    public async Task ExecuteOnServerAsync(string sql, CancellationToken cancellationToken)
    {
        // Pooling off: the server connection must not linger and hold the database open.
        var server = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
