using Gantry.Domain;
using Gantry.Store.GroupCommit;
using Gantry.Store.Relational;
using Gantry.Store.V2;
using Npgsql;

namespace Gantry.Store.Postgres;

/// <summary>
/// The two batch writers: a batch is one transaction and one round trip (an <see cref="NpgsqlBatch"/> of one
/// statement per item). Each statement is self-contained (data-modifying CTEs), so an item's writes are atomic.
/// A transition batch also writes what its moves cause (<see cref="IRelationalDatabase.ChangeOutbox"/>) before it commits.
/// </summary>
internal sealed class PostgresJobBatches(NpgsqlDataSource dataSource, IRelationalDatabase database) : IJobBatchWriter
{
    private static PostgresDialect Dialect => PostgresDialect.Instance;

    // Returns (seq or NULL, does the owner exist, the owner's waiting jobs or NULL). An owner that exists with no seq means
    // the id was taken, or (with @max set) the owner already had @max jobs waiting. The count is taken by this statement's
    // own snapshot, after the per-user lock statement before it in the batch: it sees every committed insert of the user.
    internal static readonly string InsertJobSql = $"""
        WITH w AS (
            SELECT CASE WHEN @max IS NULL THEN NULL
                        ELSE ({JobInsertOutcomes.CountWaitingSql}) END AS n),
        ins AS (
            INSERT INTO jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms, workflow_id, client_id, number)
            SELECT @id, @user_id, 0, @at, @at, @at, @workflow_id, @client_id, @number
            WHERE EXISTS (SELECT 1 FROM users WHERE id = @user_id) AND (@max IS NULL OR (SELECT n FROM w) < @max)
            ON CONFLICT (id) DO NOTHING
            RETURNING seq),
        pay AS (
            INSERT INTO job_payloads (job_seq, prompt, extra_data, outputs_to_execute, requirements)
            SELECT seq, @prompt, @extra_data, @outputs, @requirements FROM ins)
        SELECT (SELECT seq FROM ins), EXISTS (SELECT 1 FROM users WHERE id = @user_id), (SELECT n FROM w)
        """;

    // The same insert when the job carries an Idempotency-Key: the key is claimed (k) only when the job can go in, and the job
    // goes in only when the key was claimed; the fourth column says whether it was.
    internal static readonly string InsertJobWithKeySql = $"""
        WITH w AS (
            SELECT CASE WHEN @max IS NULL THEN NULL
                        ELSE ({JobInsertOutcomes.CountWaitingSql}) END AS n),
        ok AS (
            SELECT EXISTS (SELECT 1 FROM users WHERE id = @user_id) AND (@max IS NULL OR (SELECT n FROM w) < @max) AS go),
        k AS (
            INSERT INTO idempotency_keys (user_id, key, job_id, created_at_ms)
            SELECT @user_id, @idem_key, @idem_job, @at WHERE (SELECT go FROM ok)
            {IdempotencyKeySql.ClaimConflict}),
        ins AS (
            INSERT INTO jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms, workflow_id, client_id, number)
            SELECT @id, @user_id, 0, @at, @at, @at, @workflow_id, @client_id, @number
            WHERE EXISTS (SELECT 1 FROM k)
            ON CONFLICT (id) DO NOTHING
            RETURNING seq),
        pay AS (
            INSERT INTO job_payloads (job_seq, prompt, extra_data, outputs_to_execute, requirements)
            SELECT seq, @prompt, @extra_data, @outputs, @requirements FROM ins)
        SELECT (SELECT seq FROM ins), EXISTS (SELECT 1 FROM users WHERE id = @user_id), (SELECT n FROM w), EXISTS (SELECT 1 FROM k)
        """;

    // Serializes capped inserts of one user across instances until the transaction ends. Locks are taken in user order
    // at the start of a batch, so two instances' batches cannot deadlock. The class id keeps these apart from other locks.
    private const string LockUserSql = "SELECT pg_advisory_xact_lock(1195463252, (@user_id % 2147483647)::int)";

    public async Task<GroupCommitOutcome<JobRecord>[]> CommitInsertsAsync(
        IReadOnlyList<NewJob> jobs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var cappedUsers = jobs.Where(j => j.MaxWaiting is not null).Select(j => j.UserId).Distinct().Order().ToArray();
        foreach (var userId in cappedUsers)
        {
            var lockUser = new NpgsqlBatchCommand(LockUserSql);
            ((SqlParameters)lockUser).Int64("@user_id", userId);
            batch.BatchCommands.Add(lockUser);
        }

        foreach (var job in jobs)
        {
            var command = new NpgsqlBatchCommand(job.IdempotencyKey is null ? InsertJobSql : InsertJobWithKeySql);
            SqlParameters parameters = command;
            Dialect.AddGuid(parameters, "@id", job.Id);
            parameters.Int64("@user_id", job.UserId);
            parameters.Int64("@at", job.CreatedAtMs);
            parameters.Text("@workflow_id", job.WorkflowId);
            parameters.Text("@client_id", job.ClientId);
            parameters.Double("@number", job.Number);
            parameters.Blob("@prompt", job.Payload.PromptJson);
            parameters.Blob("@extra_data", job.Payload.ExtraDataJson);
            parameters.Text("@outputs", StringListJson.Encode(job.Payload.OutputsToExecute));
            parameters.Int32("@max", job.MaxWaiting);
            parameters.Text("@requirements", job.Payload.Requirements?.ToStoredJson());
            if (job.IdempotencyKey is not null)
            {
                IdempotencyKeySql.Bind(parameters, job, withJobColumns: false);
            }

            batch.BatchCommands.Add(command);
        }

        var outcomes = new GroupCommitOutcome<JobRecord>[jobs.Count];
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            // The lock statements' results come first; each insert's after them.
            for (var i = 0; i < cappedUsers.Length; i++)
            {
                await reader.NextResultAsync(cancellationToken);
            }

            for (var i = 0; i < jobs.Count; i++)
            {
                if (i > 0)
                {
                    await reader.NextResultAsync(cancellationToken);
                }

                await reader.ReadAsync(cancellationToken);
                long? sequence = reader.IsDBNull(0) ? null : reader.GetInt64(0);
                var ownerExists = reader.GetBoolean(1);
                int? waiting = reader.IsDBNull(2) ? null : (int)reader.GetInt64(2);
                var keyRefused = jobs[i].IdempotencyKey is not null && !reader.GetBoolean(3);
                outcomes[i] = sequence is null && ownerExists && waiting is { } n && jobs[i].MaxWaiting is { } max && n >= max
                    ? JobInsertOutcomes.QueueFull(jobs[i], n)
                    : sequence is null && ownerExists && keyRefused
                        ? JobInsertOutcomes.KeyReused()
                        : JobInsertOutcomes.Inserted(jobs[i], sequence, duplicate: ownerExists);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return outcomes;
    }

    public async Task<GroupCommitOutcome<JobRecord?>[]> CommitTransitionsAsync(
        IReadOnlyList<JobTransition> transitions, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var transition in transitions)
        {
            var update = JobTransitionSql.BuildUpdate(transition, JobTransitionSql.AllowedSources(transition), Dialect.ShareLocksRows);
            var command = new NpgsqlBatchCommand(transition.Result is null ? update : WithResult(update));
            JobTransitionSql.BindUpdate(command, transition, Dialect);
            if (transition.Result is { } result)
            {
                JobTransitionSql.BindResult(command, result);
            }

            batch.BatchCommands.Add(command);
        }

        var outcomes = new GroupCommitOutcome<JobRecord?>[transitions.Count];
        var moved = new List<JobRecord>(transitions.Count);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            for (var i = 0; i < transitions.Count; i++)
            {
                if (i > 0)
                {
                    await reader.NextResultAsync(cancellationToken);
                }

                var row = await reader.ReadAsync(cancellationToken) ? JobRows.Read(reader, Dialect) : null;
                outcomes[i] = GroupCommitOutcome<JobRecord?>.Success(row);
                if (row is not null)
                {
                    moved.Add(row);
                }
            }
        }

        if (database.ChangeOutbox is { } outbox && moved.Count > 0)
        {
            await outbox.AppendAsync(connection, transaction, moved, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return outcomes;
    }

    /// <summary>The update and the results upsert in one statement: results are written only if the update matched.</summary>
    private static string WithResult(string update) =>
        $"WITH u AS ({update}), r AS (INSERT INTO job_results (job_seq, outputs, status, meta) " +
        "SELECT seq, @r_outputs, @r_status, @r_meta FROM u ON CONFLICT (job_seq) DO UPDATE SET " +
        $"outputs = excluded.outputs, status = excluded.status, meta = excluded.meta) SELECT {JobRows.Columns} FROM u";
}
