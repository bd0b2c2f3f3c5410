using System.Data.Common;
using Gantry.Domain;
using Microsoft.Data.Sqlite;

namespace Gantry.Load.Seeding;

/// <summary>Seeds a Gantry SQLite file through its own connection: prepared inserts, one transaction per chunk.</summary>
public sealed class SqliteSeeder(string databasePath) : StoreSeeder
{
    private const string InsertJobSql =
        "INSERT INTO jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms, workflow_id, attempts, " +
        "execution_start_ms, execution_end_ms, execution_duration_ms, error_message, outputs_count, output_types) " +
        "VALUES (@id, @user_id, @state, @at, @updated, @updated, @workflow_id, @attempts, @start, @end, @duration, @error, @outputs, @types)";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var pragmas = Command(connection, null, "PRAGMA busy_timeout = 10000; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144");
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    protected override async Task InsertJobsAsync(DbConnection connection, IReadOnlyList<SeedJob> jobs, CancellationToken cancellationToken)
    {
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var last = Command(connection, transaction, "SELECT COALESCE(MAX(seq), 0) FROM jobs");
            var before = (long)(await last.ExecuteScalarAsync(cancellationToken))!;
            await using var insert = Command(connection, transaction, InsertJobSql);
            var prepared = false;
            foreach (var job in jobs)
            {
                var finished = job.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
                SetParameters(insert,
                    ("@id", job.Id.ToByteArray(bigEndian: true)), ("@user_id", job.UserId), ("@state", (int)job.State), ("@at", job.CreatedAtMs),
                    ("@updated", job.EndMs ?? job.CreatedAtMs), ("@workflow_id", job.WorkflowId), ("@attempts", finished ? 1 : 0),
                    ("@start", job.StartMs), ("@end", job.EndMs), ("@duration", job.DurationMs),
                    ("@error", job.State == JobState.Failed ? "seeded failure" : null), ("@outputs", finished ? job.OutputsCount : null),
                    ("@types", (int)job.OutputTypes));
                if (!prepared)
                {
                    insert.Prepare();
                    prepared = true;
                }

                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var payloads = Command(connection, transaction,
                "INSERT INTO job_payloads (job_seq, prompt, extra_data, outputs_to_execute) SELECT seq, @prompt, NULL, @outputs FROM jobs WHERE seq > @from");
            SetParameters(payloads, ("@prompt", SeedJob.PromptJson), ("@outputs", SeedJob.OutputsToExecute), ("@from", before));
            await payloads.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await using var checkpoint = Command(connection, null, "PRAGMA wal_checkpoint(TRUNCATE)");
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }
}
