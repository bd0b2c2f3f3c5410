using System.Data.Common;
using Gantry.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Gantry.Load.Seeding;

/// <summary>Seeds a Gantry PostgreSQL database: jobs through binary COPY, payloads with one INSERT … SELECT per chunk.</summary>
public sealed class PostgresSeeder(string connectionString) : StoreSeeder
{
    private const string CopyJobs =
        "COPY jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms, workflow_id, attempts, " +
        "execution_start_ms, execution_end_ms, execution_duration_ms, error_message, outputs_count, output_types) FROM STDIN (FORMAT BINARY)";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    protected override async Task InsertJobsAsync(DbConnection connection, IReadOnlyList<SeedJob> jobs, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        await using var transaction = await npgsql.BeginTransactionAsync(cancellationToken);
        await using var last = Command(connection, transaction, "SELECT COALESCE(MAX(seq), 0) FROM jobs");
        var before = (long)(await last.ExecuteScalarAsync(cancellationToken))!;
        await using (var copy = await npgsql.BeginBinaryImportAsync(CopyJobs, cancellationToken))
        {
            foreach (var job in jobs)
            {
                var finished = job.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(job.Id, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(job.UserId, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync((int)job.State, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(job.CreatedAtMs, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(job.EndMs ?? job.CreatedAtMs, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(job.EndMs ?? job.CreatedAtMs, NpgsqlDbType.Bigint, cancellationToken);
                await WriteNullableAsync(copy, job.WorkflowId, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(finished ? 1 : 0, NpgsqlDbType.Integer, cancellationToken);
                await WriteNullableAsync(copy, job.StartMs, NpgsqlDbType.Bigint, cancellationToken);
                await WriteNullableAsync(copy, job.EndMs, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(job.DurationMs, NpgsqlDbType.Bigint, cancellationToken);
                await WriteNullableAsync(copy, job.State == JobState.Failed ? "seeded failure" : null, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, finished ? job.OutputsCount : (int?)null, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync((int)job.OutputTypes, NpgsqlDbType.Integer, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using var payloads = Command(connection, transaction,
            "INSERT INTO job_payloads (job_seq, prompt, extra_data, outputs_to_execute) SELECT seq, @prompt, NULL, @outputs FROM jobs WHERE seq > @from");
        SetParameters(payloads, ("@prompt", SeedJob.PromptJson), ("@outputs", SeedJob.OutputsToExecute), ("@from", before));
        await payloads.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await using var analyze = Command(connection, null, "ANALYZE jobs; ANALYZE job_payloads");
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, type, cancellationToken);
}
