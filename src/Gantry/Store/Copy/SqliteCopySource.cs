using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Gantry.Store.Copy;

/// <summary>
/// Reads the SQLite store being copied, all of one run inside one read transaction: the copy sees one consistent
/// snapshot even if something writes to the file meanwhile (stop Gantry first all the same: rows written after the
/// snapshot are not copied, and the verification of the next run would show the difference).
/// </summary>
internal sealed class SqliteCopySource : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _snapshot;

    private SqliteCopySource(SqliteConnection connection, SqliteTransaction snapshot)
    {
        _connection = connection;
        _snapshot = snapshot;
    }

    /// <summary>Opens the file read-only (the caller has migrated it to this build's schema first).</summary>
    public static async Task<SqliteCopySource> OpenAsync(string databasePath, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        var snapshot = connection.BeginTransaction(deferred: true);
        return new SqliteCopySource(connection, snapshot);
    }

    /// <summary>Every table of the schema (SQLite's own included) with whether it has a rowid, and the tables each one references.</summary>
    public async Task<IReadOnlyDictionary<string, SourceTable>> ReadTablesAsync(CancellationToken cancellationToken)
    {
        var tables = new Dictionary<string, SourceTable>(StringComparer.Ordinal);
        await using (var command = Command("SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                if (name != "sqlite_schema")
                {
                    tables[name] = new SourceTable(name, HasRowId: reader.GetInt64(1) == 0, [], []);
                }
            }
        }

        foreach (var name in tables.Keys.ToList())
        {
            tables[name] = tables[name] with
            {
                Columns = await ReadStringsAsync("SELECT name FROM pragma_table_info(@t) ORDER BY cid", name, cancellationToken),
                Parents = await ReadStringsAsync("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(@t)", name, cancellationToken),
            };
        }

        return tables;
    }

    /// <summary>The rows after <paramref name="afterRowId"/> in rowid order, at most <paramref name="limit"/>, each as its rowid and column values.</summary>
    public async Task<IReadOnlyList<SourceRow>> ReadBatchAsync(CopyTable table, long afterRowId, int limit, CancellationToken cancellationToken)
    {
        var sql = table.HasRowId
            ? $"SELECT rowid, {ColumnList(table)} FROM {Quote(table.Name)} WHERE rowid > @after ORDER BY rowid LIMIT @limit"
            : $"SELECT 0, {ColumnList(table)} FROM {Quote(table.Name)}";
        await using var command = Command(sql);
        command.Parameters.AddWithValue("@after", afterRowId);
        command.Parameters.AddWithValue("@limit", limit);
        var rows = new List<SourceRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new object?[table.Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = CopyValues.FromSqlite(reader.IsDBNull(i + 1) ? null : reader.GetValue(i + 1), table.Columns[i], table.Name);
            }

            rows.Add(new SourceRow(reader.GetInt64(0), values));
        }

        return rows;
    }

    /// <summary>Every row of a table (for the verification), converted as the copy converts them.</summary>
    public async IAsyncEnumerable<object?[]> ReadAllAsync(CopyTable table, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {ColumnList(table)} FROM {Quote(table.Name)}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new object?[table.Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = CopyValues.FromSqlite(reader.IsDBNull(i) ? null : reader.GetValue(i), table.Columns[i], table.Name);
            }

            yield return values;
        }
    }

    /// <summary>The highest id SQLite's AUTOINCREMENT has handed out for a table (deleted rows included), or 0.</summary>
    public async Task<long> ReadSequenceAsync(string table, CancellationToken cancellationToken)
    {
        await using var command = Command("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = @t), 0)");
        command.Parameters.AddWithValue("@t", table);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>The first schema step's time: when this database was created, which tells one SQLite store from another.</summary>
    public async Task<string> ReadIdentityAsync(CancellationToken cancellationToken)
    {
        await using var command = Command("SELECT applied_at_ms FROM schema_version WHERE version = 1");
        var created = await command.ExecuteScalarAsync(cancellationToken)
            ?? throw new InvalidOperationException("The SQLite store has no schema_version row 1.");
        return "sqlite-created-" + Convert.ToInt64(created, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await _snapshot.DisposeAsync();
        await _connection.DisposeAsync();
    }

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string ColumnList(CopyTable table) => string.Join(", ", table.Columns.Select(c => Quote(c.Name)));

    private async Task<IReadOnlyList<string>> ReadStringsAsync(string sql, string table, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        command.Parameters.AddWithValue("@t", table);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _snapshot;
        return command;
    }
}

/// <summary>A SQLite table as the schema describes it.</summary>
internal sealed record SourceTable(string Name, bool HasRowId, IReadOnlyList<string> Columns, IReadOnlyList<string> Parents);

/// <summary>A row read for copying: its rowid (the resume point) and its values, already converted for the target.</summary>
internal sealed record SourceRow(long RowId, object?[] Values);
