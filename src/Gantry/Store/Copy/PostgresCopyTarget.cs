using Npgsql;
using NpgsqlTypes;

namespace Gantry.Store.Copy;

/// <summary>
/// The PostgreSQL side of <c>gantry store copy</c>: which columns the target has, the claim on an empty target, each
/// batch written with its resume point in one transaction, identity sequences moved past the copied ids, and rows read
/// back for the verification. The claim and the resume points live in <c>gantry_store_copy</c>, one row per table.
/// </summary>
internal sealed class PostgresCopyTarget : IAsyncDisposable
{
    private const string CreateProgressTable = """
        CREATE TABLE IF NOT EXISTS gantry_store_copy (
            table_name text PRIMARY KEY,
            source text NOT NULL,
            last_rowid bigint NOT NULL,
            rows_copied bigint NOT NULL,
            finished boolean NOT NULL
        )
        """;

    private readonly NpgsqlConnection _connection;

    private PostgresCopyTarget(NpgsqlConnection connection) => _connection = connection;

    public static async Task<PostgresCopyTarget> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return new PostgresCopyTarget(connection);
    }

    /// <summary>The target's columns of a table in their order and its identity column; null when the target has no such table.</summary>
    /// <exception cref="InvalidDataException">A column has a type the copy does not know.</exception>
    public async Task<(IReadOnlyList<CopyColumn> Columns, string? Identity)?> ReadColumnsAsync(string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT column_name, data_type, is_identity = 'YES'
            FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = @t
            ORDER BY ordinal_position
            """, _connection);
        command.Parameters.AddWithValue("t", table);
        var columns = new List<CopyColumn>();
        string? identity = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            columns.Add(new CopyColumn(name, TypeOf(reader.GetString(1), table, name)));
            if (reader.GetBoolean(2))
            {
                identity = name;
            }
        }

        return columns.Count == 0 ? null : (columns, identity);
    }

    /// <summary>
    /// Claims the target for this source, or finds the claim of an earlier run of the same copy. Returns each table's
    /// progress.
    /// </summary>
    /// <exception cref="StoreCopyRefusedException">The target holds data of its own, or a copy of another store.</exception>
    public async Task<IReadOnlyDictionary<string, CopyProgress>> ClaimAsync(string source, IReadOnlyList<CopyTable> tables, CancellationToken cancellationToken)
    {
        await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(CreateProgressTable, transaction, cancellationToken);
        await ExecuteAsync("LOCK TABLE gantry_store_copy IN EXCLUSIVE MODE", transaction, cancellationToken);
        var progress = await ReadProgressAsync(transaction, cancellationToken);
        if (progress.Count > 0 && progress.Values.FirstOrDefault(p => p.Source != source) is { } other)
        {
            throw new StoreCopyRefusedException(
                $"The target already holds a copy of another SQLite store ({other.Source}, this one is {source}); copy into an empty database.");
        }

        if (progress.Count == 0)
        {
            foreach (var table in tables)
            {
                await using var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {SqliteCopySource.Quote(table.Name)})", _connection, transaction);
                if (await any.ExecuteScalarAsync(cancellationToken) is true)
                {
                    throw new StoreCopyRefusedException(
                        $"The target's table '{table.Name}' already has rows: copy into an empty database (create it, and start no Gantry on it before the copy).");
                }
            }
        }

        foreach (var table in tables.Where(t => !progress.ContainsKey(t.Name)))
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO gantry_store_copy (table_name, source, last_rowid, rows_copied, finished) VALUES (@t, @s, 0, 0, false)",
                _connection, transaction);
            insert.Parameters.AddWithValue("t", table.Name);
            insert.Parameters.AddWithValue("s", source);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            progress[table.Name] = new CopyProgress(source, 0, 0, false);
        }

        await transaction.CommitAsync(cancellationToken);
        return progress;
    }

    /// <summary>Writes one batch and the table's new resume point in one transaction: an interrupted batch leaves nothing behind.</summary>
    public async Task WriteBatchAsync(CopyTable table, IReadOnlyList<SourceRow> rows, CopyProgress after, CancellationToken cancellationToken)
    {
        await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
        if (rows.Count > 0)
        {
            var columns = string.Join(", ", table.Columns.Select(c => SqliteCopySource.Quote(c.Name)));
            await using var importer = await _connection.BeginBinaryImportAsync(
                $"COPY {SqliteCopySource.Quote(table.Name)} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var row in rows)
            {
                await importer.StartRowAsync(cancellationToken);
                for (var i = 0; i < row.Values.Length; i++)
                {
                    if (row.Values[i] is { } value)
                    {
                        await importer.WriteAsync(value, DbTypeOf(table.Columns[i].Type), cancellationToken);
                    }
                    else
                    {
                        await importer.WriteNullAsync(cancellationToken);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await using (var update = new NpgsqlCommand(
            "UPDATE gantry_store_copy SET last_rowid = @last, rows_copied = @rows, finished = @finished WHERE table_name = @t",
            _connection, transaction))
        {
            update.Parameters.AddWithValue("last", after.LastRowId);
            update.Parameters.AddWithValue("rows", after.RowsCopied);
            update.Parameters.AddWithValue("finished", after.Finished);
            update.Parameters.AddWithValue("t", table.Name);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Moves an identity sequence so the next id is past <paramref name="atLeast"/> and past every copied id.</summary>
    public async Task MoveSequenceAsync(string table, string column, long atLeast, CancellationToken cancellationToken)
    {
        var quotedTable = SqliteCopySource.Quote(table);
        var quotedColumn = SqliteCopySource.Quote(column);
        await using var command = new NpgsqlCommand(
            $"SELECT setval(pg_get_serial_sequence(@t, @c), GREATEST(@atLeast, (SELECT COALESCE(MAX({quotedColumn}), 0) FROM {quotedTable}), 1), "
            + $"GREATEST(@atLeast, (SELECT COALESCE(MAX({quotedColumn}), 0) FROM {quotedTable})) > 0)",
            _connection);
        command.Parameters.AddWithValue("t", quotedTable);
        command.Parameters.AddWithValue("c", column);
        command.Parameters.AddWithValue("atLeast", atLeast);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Every row of a table, for the verification.</summary>
    public async IAsyncEnumerable<object?[]> ReadAllAsync(CopyTable table, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", table.Columns.Select(c => SqliteCopySource.Quote(c.Name)));
        await using var command = new NpgsqlCommand($"SELECT {columns} FROM {SqliteCopySource.Quote(table.Name)}", _connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new object?[table.Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            yield return values;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<Dictionary<string, CopyProgress>> ReadProgressAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var progress = new Dictionary<string, CopyProgress>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(
            "SELECT table_name, source, last_rowid, rows_copied, finished FROM gantry_store_copy", _connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            progress[reader.GetString(0)] = new CopyProgress(reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetBoolean(4));
        }

        return progress;
    }

    private async Task ExecuteAsync(string sql, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static CopyColumnType TypeOf(string dataType, string table, string column) => dataType switch
    {
        "bigint" => CopyColumnType.Int64,
        "integer" => CopyColumnType.Int32,
        "boolean" => CopyColumnType.Boolean,
        "double precision" => CopyColumnType.Double,
        "text" => CopyColumnType.Text,
        "bytea" => CopyColumnType.Bytes,
        "uuid" => CopyColumnType.Uuid,
        _ => throw new InvalidDataException($"{table}.{column} is of type {dataType}, which the copy does not know."),
    };

    private static NpgsqlDbType DbTypeOf(CopyColumnType type) => type switch
    {
        CopyColumnType.Int64 => NpgsqlDbType.Bigint,
        CopyColumnType.Int32 => NpgsqlDbType.Integer,
        CopyColumnType.Boolean => NpgsqlDbType.Boolean,
        CopyColumnType.Double => NpgsqlDbType.Double,
        CopyColumnType.Text => NpgsqlDbType.Text,
        CopyColumnType.Bytes => NpgsqlDbType.Bytea,
        CopyColumnType.Uuid => NpgsqlDbType.Uuid,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}

/// <summary>How far a table's copy has come: the last SQLite rowid written, the rows written, and whether it is done.</summary>
internal sealed record CopyProgress(string Source, long LastRowId, long RowsCopied, bool Finished);

/// <summary>The target cannot take this copy (it has data of its own, or a copy of another store); nothing was written.</summary>
public sealed class StoreCopyRefusedException(string message) : Exception(message);
