using Gantry.Store.Postgres;
using Gantry.Store.Sqlite;

namespace Gantry.Store.Copy;

/// <summary>
/// <c>gantry store copy</c>: copies every table of a SQLite store into a PostgreSQL database, batch by batch, each
/// batch committed with its resume point (so an interrupted copy continues where it stopped, and running it again
/// after it finished only verifies), then compares row counts and checksums of every table on both sides.
/// </summary>
internal sealed class StoreCopier(Action<string> say)
{
    /// <exception cref="StoreCopyRefusedException">The target has data of its own or a copy of another store.</exception>
    /// <exception cref="InvalidDataException">The two schemas do not match, or a value does not convert.</exception>
    public async Task<StoreCopyReport> CopyAsync(string sqlitePath, string postgres, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);

        // Both sides at this build's schema first: the source as 'gantry serve' would upgrade it, the target created.
        await using (var source = new SqliteGantryStore(sqlitePath))
        {
            await source.InitializeAsync(cancellationToken);
        }

        await using (var target = new PostgresGantryStore(postgres))
        {
            await target.InitializeAsync(cancellationToken);
        }

        await using var reader = await SqliteCopySource.OpenAsync(sqlitePath, cancellationToken);
        await using var writer = await PostgresCopyTarget.OpenAsync(postgres, cancellationToken);
        var plan = await PlanAsync(reader, writer, cancellationToken);
        var progress = await writer.ClaimAsync(await reader.ReadIdentityAsync(cancellationToken), plan.Tables, cancellationToken);

        foreach (var table in plan.Tables)
        {
            await CopyTableAsync(reader, writer, table, progress[table.Name], batchSize, cancellationToken);
        }

        foreach (var table in plan.Tables.Where(t => t.IdentityColumn is not null))
        {
            await writer.MoveSequenceAsync(table.Name, table.IdentityColumn!, await reader.ReadSequenceAsync(table.Name, cancellationToken), cancellationToken);
        }

        var verified = new List<TableReport>();
        foreach (var table in plan.Tables)
        {
            var expected = await TableChecksum.OfAsync(reader.ReadAllAsync(table, cancellationToken), cancellationToken);
            var actual = await TableChecksum.OfAsync(writer.ReadAllAsync(table, cancellationToken), cancellationToken);
            verified.Add(new TableReport(table.Name, expected, actual));
        }

        return new StoreCopyReport(verified);
    }

    /// <summary>Pairs every SQLite table with the target's, parents first; a table neither copied nor listed as left behind is an error.</summary>
    internal static async Task<CopyPlan> PlanAsync(SqliteCopySource reader, PostgresCopyTarget writer, CancellationToken cancellationToken)
    {
        var sourceTables = await reader.ReadTablesAsync(cancellationToken);
        var copied = sourceTables.Values.Where(t => !CopyPlan.NotCopied.ContainsKey(t.Name)).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var tables = new List<CopyTable>();
        foreach (var name in CopyPlan.ParentsFirst(copied.ToDictionary(t => t.Key, t => t.Value.Parents, StringComparer.Ordinal)))
        {
            var source = copied[name];
            var target = await writer.ReadColumnsAsync(name, cancellationToken)
                ?? throw new InvalidDataException($"The SQLite table '{name}' has no PostgreSQL counterpart; the copy cannot place its rows.");
            var targetNames = target.Columns.Select(c => c.Name).Order(StringComparer.Ordinal);
            if (!targetNames.SequenceEqual(source.Columns.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                throw new InvalidDataException(
                    $"The table '{name}' has columns ({string.Join(", ", source.Columns)}) in SQLite but ({string.Join(", ", target.Columns.Select(c => c.Name))}) in PostgreSQL.");
            }

            tables.Add(new CopyTable(name, target.Columns, source.HasRowId, target.Identity));
        }

        return new CopyPlan(tables);
    }

    private async Task CopyTableAsync(
        SqliteCopySource reader, PostgresCopyTarget writer, CopyTable table, CopyProgress progress, int batchSize, CancellationToken cancellationToken)
    {
        if (progress.Finished)
        {
            say($"{table.Name}: copied before ({progress.RowsCopied} rows)");
            return;
        }

        if (progress.RowsCopied > 0)
        {
            say($"{table.Name}: resuming after {progress.RowsCopied} rows");
        }

        while (true)
        {
            var rows = await reader.ReadBatchAsync(table, progress.LastRowId, batchSize, cancellationToken);
            var finished = !table.HasRowId || rows.Count < batchSize;
            progress = progress with
            {
                LastRowId = rows.Count > 0 ? rows[^1].RowId : progress.LastRowId,
                RowsCopied = progress.RowsCopied + rows.Count,
                Finished = finished,
            };
            await writer.WriteBatchAsync(table, rows, progress, cancellationToken);
            if (finished)
            {
                say($"{table.Name}: copied {progress.RowsCopied} rows");
                return;
            }
        }
    }
}
