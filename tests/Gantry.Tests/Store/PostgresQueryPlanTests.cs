using Gantry.Domain;
using Gantry.Store.Postgres;
using Gantry.Store.Relational;
using Npgsql;
using NpgsqlTypes;

namespace Gantry.Tests.Store;

/// <summary>
/// Pins the PostgreSQL plans of the per-user queries on active states (the queue cap's count in every submit, a
/// pending filter, the queue views) in the case that broke them: statistics taken while the queue was empty, then a
/// queue of many users. The planner then believes the partial index of active jobs nearly empty and, had the query
/// implied its predicate, would filter every user's queue by user (measured: 3,500 waiting jobs of 64 users cost 45
/// buffer reads per count, against 4 on the user's own slice), on every insert.
/// </summary>
public sealed class PostgresQueryPlanTests(PostgresBackend backend) : IClassFixture<PostgresBackend>, IAsyncLifetime
{
    private long _userId;

    public async ValueTask InitializeAsync()
    {
        if (backend.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using (var store = backend.CreateStore())
        {
            await store.InitializeAsync(Ct);
        }

        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT min(id) FROM users WHERE name LIKE 'plan-user-%'", connection);
        if (await command.ExecuteScalarAsync(Ct) is long userId)
        {
            _userId = userId; // an earlier test of the class made the data
            return;
        }

        await Execute(connection, """
            INSERT INTO users (name, is_admin, created_at_ms) SELECT 'plan-user-' || g, false, 0 FROM generate_series(1, 64) g;
            INSERT INTO jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms)
                SELECT gen_random_uuid(), u.id, 4, 0, 0, 0 FROM users u CROSS JOIN generate_series(1, 300) g;
            ANALYZE jobs;
            INSERT INTO jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms)
                SELECT gen_random_uuid(), u.id, 0, 0, 0, 0 FROM users u CROSS JOIN generate_series(1, 50) g;
            """);
        _userId = (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task The_queue_caps_count_in_a_submit_reads_only_the_users_waiting_jobs()
    {
        foreach (var sql in new[] { PostgresJobBatches.InsertJobSql, PostgresJobBatches.InsertJobWithKeySql })
        {
            var plan = await ExplainAsync(sql, command =>
            {
                var parameters = command.Parameters;
                parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = Guid.NewGuid() });
                parameters.Add(new NpgsqlParameter("user_id", NpgsqlDbType.Bigint) { Value = _userId });
                parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Bigint) { Value = 1L });
                parameters.Add(new NpgsqlParameter("workflow_id", NpgsqlDbType.Text) { Value = DBNull.Value });
                parameters.Add(new NpgsqlParameter("client_id", NpgsqlDbType.Text) { Value = DBNull.Value });
                parameters.Add(new NpgsqlParameter("number", NpgsqlDbType.Double) { Value = DBNull.Value });
                parameters.Add(new NpgsqlParameter("prompt", NpgsqlDbType.Bytea) { Value = "{}"u8.ToArray() });
                parameters.Add(new NpgsqlParameter("extra_data", NpgsqlDbType.Bytea) { Value = DBNull.Value });
                parameters.Add(new NpgsqlParameter("outputs", NpgsqlDbType.Text) { Value = "[]" });
                parameters.Add(new NpgsqlParameter("max", NpgsqlDbType.Integer) { Value = 100 });
                parameters.Add(new NpgsqlParameter("requirements", NpgsqlDbType.Text) { Value = DBNull.Value });
                if (sql.Contains("@idem_key", StringComparison.Ordinal))
                {
                    parameters.Add(new NpgsqlParameter("idem_key", NpgsqlDbType.Text) { Value = "key" });
                    parameters.Add(new NpgsqlParameter("idem_job", NpgsqlDbType.Text) { Value = Guid.NewGuid().ToString("D") });
                    parameters.Add(new NpgsqlParameter("idem_expired_before", NpgsqlDbType.Bigint) { Value = 0L });
                }
            });

            ShouldReadTheUsersSlice(plan);
        }
    }

    [Theory]
    [InlineData(new[] { JobState.Queued, JobState.Dispatched })]
    [InlineData(new[] { JobState.Running })]
    [InlineData(new[] { JobState.Queued, JobState.Dispatched, JobState.Running })]
    public async Task A_list_filtered_on_active_states_reads_only_the_users_slice(JobState[] states)
    {
        var query = new JobListQuery { UserId = _userId, States = states };
        var statements = JobListSql.Build(query).Split("; SELECT COUNT(*)", StringSplitOptions.None);
        statements.Length.ShouldBe(2);

        ShouldReadTheUsersSlice(await ExplainAsync(statements[0], command => BindList(command, query)));
        ShouldReadTheUsersSlice(await ExplainAsync("SELECT COUNT(*)" + statements[1], command => BindList(command, query)));
    }

    [Fact]
    public async Task The_queue_views_read_only_the_users_slice_and_the_scheduler_reload_reads_the_active_index()
    {
        ShouldReadTheUsersSlice(await ExplainAsync(JobListSql.InStates(JobStateMachine.ActiveStates, withPayloads: true), command =>
        {
            command.Parameters.Add(new NpgsqlParameter("user_id", NpgsqlDbType.Bigint) { Value = _userId });
            command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Bigint) { Value = 100L });
        }));
        ShouldReadTheUsersSlice(await ExplainAsync(JobListSql.CountInStates([JobState.Queued]), command =>
            command.Parameters.Add(new NpgsqlParameter("user_id", NpgsqlDbType.Bigint) { Value = _userId })));

        // The one query meant for the partial index still finds it.
        (await ExplainAsync(JobListSql.Active, _ => { })).ShouldContain("ix_jobs_active");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void ShouldReadTheUsersSlice(string plan)
    {
        plan.ShouldNotContain("ix_jobs_active");
        plan.ShouldContain("ix_jobs_user_state_seq");
    }

    private static void BindList(NpgsqlCommand command, JobListQuery query)
    {
        command.Parameters.Add(new NpgsqlParameter("user_id", NpgsqlDbType.Bigint) { Value = query.UserId });
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Bigint) { Value = (long)query.Limit });
        command.Parameters.Add(new NpgsqlParameter("offset", NpgsqlDbType.Bigint) { Value = (long)query.Offset });
    }

    private async Task<string> ExplainAsync(string sql, Action<NpgsqlCommand> bind)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN " + sql, connection);
        bind(command);
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                lines.Add(reader.GetString(0));
            }
        }

        var plan = string.Join(Environment.NewLine, lines);
        TestContext.Current.TestOutputHelper?.WriteLine(plan);
        return plan;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(backend.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
