using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Gantry.Store;

/// <summary>
/// Tells a store that cannot be reached right now (a client may try again shortly) from a fault in the request or in
/// Gantry: PostgreSQL refusing connections (out of connections, starting up, shutting down), a connection that broke
/// or timed out, a pool with no free connection in time; SQLite busy or locked past its wait.
/// </summary>
public static class StoreOutage
{
    /// <summary>Whether <paramref name="error"/>, or an exception inside it, says the store is unavailable for now.</summary>
    public static bool IsOutage(Exception? error)
    {
        for (var depth = 0; error is not null && depth < 8; depth++, error = error.InnerException)
        {
            switch (error)
            {
                case PostgresException postgres:
                    // Class 08: connection exception; 53: insufficient resources (53300: too many connections);
                    // 57P01-57P03: the server is shutting down, crashed, or not accepting connections yet.
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || postgres.SqlState is "57P01" or "57P02" or "57P03";
                case NpgsqlException npgsql when npgsql.IsTransient || npgsql.InnerException is SocketException or TimeoutException or IOException:
                    return true;
                case SqliteException sqlite:
                    // SQLITE_BUSY and SQLITE_LOCKED: another writer held the database longer than the busy timeout.
                    return sqlite.SqliteErrorCode is 5 or 6;
            }
        }

        return false;
    }
}
