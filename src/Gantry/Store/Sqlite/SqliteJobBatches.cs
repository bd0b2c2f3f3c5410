using Gantry.Domain;
using Gantry.Store.GroupCommit;
using Gantry.Store.Relational;
using Gantry.Store.V2;
using Microsoft.Data.Sqlite;

namespace Gantry.Store.Sqlite;

/// <summary>
/// The two batch writers: each batch is one transaction on the writer connection (<paramref name="database"/>'s writes),
/// statements prepared once per batch; a transition batch also writes what its moves cause (<see cref="IRelationalDatabase.ChangeOutbox"/>).
/// <paramref name="waitingBounds"/> spares a count for users far below their queue cap.
/// </summary>
internal sealed class SqliteJobBatches(IRelationalDatabase database, WaitingBounds waitingBounds) : IJobBatchWriter
{
    private static SqliteDialect Dialect => SqliteDialect.Instance;

    // The WHERE EXISTS turns an unknown owner into "no row" instead of a foreign-key error that would fail the batch;
    // it also gives the INSERT ... SELECT the WHERE clause SQLite's parser needs before ON CONFLICT.
    private const string InsertJobSql =
        "INSERT INTO jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms, workflow_id, client_id, number) " +
        "SELECT @id, @user_id, 0, @at, @at, @at, @workflow_id, @client_id, @number " +
        "WHERE EXISTS (SELECT 1 FROM users WHERE id = @user_id) ON CONFLICT (id) DO NOTHING RETURNING seq";

    private const string InsertPayloadSql =
        "INSERT INTO job_payloads (job_seq, prompt, extra_data, outputs_to_execute, requirements) VALUES (@seq, @prompt, @extra_data, @outputs, @requirements)";

    public Task<GroupCommitOutcome<JobRecord>[]> CommitInsertsAsync(IReadOnlyList<NewJob> jobs, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction, _) =>
            Task.FromResult(InsertBatch((SqliteConnection)connection, (SqliteTransaction)transaction, jobs, waitingBounds)), cancellationToken);

    public Task<GroupCommitOutcome<JobRecord?>[]> CommitTransitionsAsync(
        IReadOnlyList<JobTransition> transitions, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            var outcomes = TransitionBatch((SqliteConnection)connection, (SqliteTransaction)transaction, transitions);
            if (database.ChangeOutbox is { } outbox)
            {
                var moved = outcomes.Select(o => o.Value).OfType<JobRecord>().ToList();
                if (moved.Count > 0)
                {
                    await outbox.AppendAsync(connection, transaction, moved, ct);
                }
            }

            return outcomes;
        }, cancellationToken);

    private static GroupCommitOutcome<JobRecord>[] InsertBatch(
        SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<NewJob> jobs, WaitingBounds bounds)
    {
        using var insertJob = NewCommand(connection, transaction, InsertJobSql);
        var id = insertJob.Parameters.Add("@id", SqliteType.Blob);
        var userId = insertJob.Parameters.Add("@user_id", SqliteType.Integer);
        var at = insertJob.Parameters.Add("@at", SqliteType.Integer);
        var workflowId = insertJob.Parameters.Add("@workflow_id", SqliteType.Text);
        var clientId = insertJob.Parameters.Add("@client_id", SqliteType.Text);
        var number = insertJob.Parameters.Add("@number", SqliteType.Real);

        using var insertPayload = NewCommand(connection, transaction, InsertPayloadSql);
        var seq = insertPayload.Parameters.Add("@seq", SqliteType.Integer);
        var prompt = insertPayload.Parameters.Add("@prompt", SqliteType.Blob);
        var extraData = insertPayload.Parameters.Add("@extra_data", SqliteType.Blob);
        var outputs = insertPayload.Parameters.Add("@outputs", SqliteType.Text);
        var requirements = insertPayload.Parameters.Add("@requirements", SqliteType.Text);

        using var exists = NewCommand(connection, transaction, "SELECT 1 FROM jobs WHERE id = @id");
        var existingId = exists.Parameters.Add("@id", SqliteType.Blob);

        // The queue cap: this connection is the only writer, so a count taken here is exact, and the bounds kept since
        // (WaitingBounds) stay upper bounds. A user far below the cap costs no count at all.
        using var countWaiting = NewCommand(connection, transaction, JobInsertOutcomes.CountWaitingSql);
        var countUser = countWaiting.Parameters.Add("@user_id", SqliteType.Integer);

        var outcomes = new GroupCommitOutcome<JobRecord>[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            if (job.MaxWaiting is { } max && !bounds.IsUnder(job.UserId, max))
            {
                countUser.Value = job.UserId;
                var waiting = Convert.ToInt32(countWaiting.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                bounds.Set(job.UserId, waiting);
                if (waiting >= max)
                {
                    outcomes[i] = JobInsertOutcomes.QueueFull(job, waiting);
                    continue;
                }
            }

            if (job.IdempotencyKey is not null && !IdempotencyKeySql.TryClaim(connection, transaction, job))
            {
                outcomes[i] = JobInsertOutcomes.KeyReused();
                continue;
            }

            var idBytes = job.Id.ToByteArray(bigEndian: true);
            id.Value = idBytes;
            userId.Value = job.UserId;
            at.Value = job.CreatedAtMs;
            workflowId.Value = (object?)job.WorkflowId ?? DBNull.Value;
            clientId.Value = (object?)job.ClientId ?? DBNull.Value;
            number.Value = (object?)job.Number ?? DBNull.Value;

            if (insertJob.ExecuteScalar() is long sequence)
            {
                seq.Value = sequence;
                prompt.Value = job.Payload.PromptJson;
                extraData.Value = (object?)job.Payload.ExtraDataJson ?? DBNull.Value;
                outputs.Value = StringListJson.Encode(job.Payload.OutputsToExecute);
                requirements.Value = (object?)job.Payload.Requirements?.ToStoredJson() ?? DBNull.Value;
                insertPayload.ExecuteNonQuery();
                outcomes[i] = JobInsertOutcomes.Inserted(job, sequence, duplicate: false);
                bounds.Add(job.UserId);
            }
            else
            {
                if (job.IdempotencyKey is not null)
                {
                    IdempotencyKeySql.Unclaim(connection, transaction, job);
                }

                existingId.Value = idBytes;
                outcomes[i] = JobInsertOutcomes.Inserted(job, null, duplicate: exists.ExecuteScalar() is not null);
            }
        }

        return outcomes;
    }

    private GroupCommitOutcome<JobRecord?>[] TransitionBatch(
        SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<JobTransition> transitions)
    {
        // A batch repeats few shapes of UPDATE (dispatch, start, finish...): each shape is prepared once.
        var updates = new Dictionary<string, SqliteCommand>(StringComparer.Ordinal);
        SqliteCommand? upsertResult = null;
        try
        {
            var outcomes = new GroupCommitOutcome<JobRecord?>[transitions.Count];
            for (var i = 0; i < transitions.Count; i++)
            {
                var transition = transitions[i];
                var sql = JobTransitionSql.BuildUpdate(transition, JobTransitionSql.AllowedSources(transition), Dialect.ShareLocksRows);
                if (!updates.TryGetValue(sql, out var update))
                {
                    update = NewCommand(connection, transaction, sql);
                    updates.Add(sql, update);
                }

                update.Parameters.Clear();
                JobTransitionSql.BindUpdate(update, transition, Dialect);
                JobRecord? row;
                using (var reader = update.ExecuteReader())
                {
                    row = reader.Read() ? JobRows.Read(reader, Dialect) : null;
                }

                if (row is { State: JobState.Queued })
                {
                    // Back in the queue (a lost worker): one more waiting job the bound must cover.
                    waitingBounds.Add(row.UserId);
                }

                if (row is not null && transition.Result is { } result)
                {
                    upsertResult ??= NewCommand(connection, transaction, JobTransitionSql.UpsertResult);
                    upsertResult.Parameters.Clear();
                    upsertResult.AddInt64("@seq", row.Sequence);
                    JobTransitionSql.BindResult(upsertResult, result);
                    upsertResult.ExecuteNonQuery();
                }

                outcomes[i] = GroupCommitOutcome<JobRecord?>.Success(row);
            }

            return outcomes;
        }
        finally
        {
            upsertResult?.Dispose();
            foreach (var update in updates.Values)
            {
                update.Dispose();
            }
        }
    }

    private static SqliteCommand NewCommand(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
