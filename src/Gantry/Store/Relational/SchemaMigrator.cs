using System.Data.Common;
using System.Globalization;

namespace Gantry.Store.Relational;

/// <summary>One schema change: applied once, in order, in its own transaction, and recorded in <c>schema_version</c>.</summary>
/// <param name="Version">1, 2, 3, ... without gaps.</param>
/// <param name="Name">What the step does, kept in <c>schema_version</c>.</param>
/// <param name="Sql">The statements; a released step never changes, a change is a new step.</param>
internal sealed record MigrationStep(int Version, string Name, string Sql);

/// <summary>
/// Applies the migration steps a database lacks. The caller makes sure no other process migrates at the
/// same time (SQLite: each step's transaction takes the write lock first; PostgreSQL: an advisory lock);
/// every step re-reads the version inside its transaction, so a step another process applied is skipped.
/// </summary>
internal static class SchemaMigrator
{
    public const string CurrentVersionSql = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

    public static async Task MigrateAsync(
        DbConnection connection,
        string createVersionTableSql,
        IReadOnlyList<MigrationStep> steps,
        long nowMs,
        CancellationToken cancellationToken)
    {
        await using (var create = connection.CreateCommand().WithText(createVersionTableSql))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var latest = steps.Count == 0 ? 0 : steps[^1].Version;
        foreach (var step in steps)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var current = await ReadVersionAsync(connection, transaction, cancellationToken);
            if (current > latest)
            {
                throw new InvalidOperationException(
                    $"The database schema is at version {current}, newer than this build knows ({latest}). Use a newer Gantry.");
            }

            if (current >= step.Version)
            {
                continue;
            }

            if (current != step.Version - 1)
            {
                throw new InvalidOperationException($"Schema version {current} cannot take migration step {step.Version}.");
            }

            await using (var apply = connection.CreateCommand().WithText(step.Sql, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = connection.CreateCommand().WithText(
                "INSERT INTO schema_version (version, name, applied_at_ms) VALUES (@version, @name, @at)", transaction))
            {
                record.AddInt32("@version", step.Version);
                record.AddText("@name", step.Name);
                record.AddInt64("@at", nowMs);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task<int> ReadVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand().WithText(CurrentVersionSql, transaction);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
