using Gantry.Store.Postgres;
using Gantry.Store.Sqlite;

namespace Gantry.Store;

/// <summary>Picks the backend from configuration: PostgreSQL when a connection string is given, else the embedded SQLite file.</summary>
public static class GantryStoreFactory
{
    /// <summary>The SQLite file name under the data folder.</summary>
    public const string SqliteFileName = "gantry.db";

    /// <summary>
    /// A store, not yet initialized: PostgreSQL on <paramref name="postgresConnectionString"/> when it is set,
    /// else SQLite at <c>&lt;dataDirectory&gt;/gantry.db</c>.
    /// </summary>
    public static IGantryStore Create(string? postgresConnectionString, string dataDirectory, TimeProvider? timeProvider = null) =>
        string.IsNullOrWhiteSpace(postgresConnectionString)
            ? new SqliteGantryStore(Path.Combine(dataDirectory, SqliteFileName), timeProvider)
            : new PostgresGantryStore(postgresConnectionString, timeProvider);
}
