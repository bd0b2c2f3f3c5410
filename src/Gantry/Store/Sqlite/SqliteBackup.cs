using Microsoft.Data.Sqlite;

namespace Gantry.Store.Sqlite;

/// <summary>
/// A consistent copy of a live SQLite store: <c>VACUUM INTO</c> reads the database in one read transaction (a WAL
/// snapshot, so writers go on meanwhile) and writes a new, compacted file that holds every committed transaction up
/// to that snapshot and nothing half-written.
/// </summary>
public static class SqliteBackup
{
    /// <param name="databasePath">The store's file.</param>
    /// <param name="backupPath">A file that does not exist yet.</param>
    public static async Task WriteAsync(string databasePath, string backupPath, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO @target";
        command.Parameters.AddWithValue("@target", backupPath);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
