using Gantry.Domain;
using Gantry.Store.Relational;
using Gantry.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Gantry.Tests.Store;

/// <summary>
/// Pins the SQLite plans of the hot queries: every query reaches jobs through the index meant for it, never
/// by a full scan, and the sorts that an index can serve need no temporary B-tree. SQLite keeps no statistics
/// unless ANALYZE runs, so these are the plans production gets; a SQLite upgrade that changes one fails here.
/// </summary>
public sealed class SqliteQueryPlanTests(SqliteBackend backend) : IClassFixture<SqliteBackend>, IAsyncLifetime
{
    private SqliteGantryStore? _store;

    public static TheoryData<string, JobListQuery, string> ListQueries() => new()
    {
        { "default: newest first", new JobListQuery { UserId = 1 }, "ix_jobs_user_seq" },
        { "oldest first", new JobListQuery { UserId = 1, Descending = false }, "ix_jobs_user_seq" },
        { "execution time", new JobListQuery { UserId = 1, SortBy = JobSortField.ExecutionTime }, "ix_jobs_user_duration" },
        { "one terminal state", new JobListQuery { UserId = 1, States = [JobState.Succeeded] }, "ix_jobs_user_state_seq" },
        { "workflow", new JobListQuery { UserId = 1, WorkflowId = "wf" }, "ix_jobs_user_workflow" },
        { "terminal states by execution time", new JobListQuery { UserId = 1, States = JobStateMachine.TerminalStates, SortBy = JobSortField.ExecutionTime }, "ix_jobs_user_duration" },
    };

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteGantryStore(backend.DatabasePath);
        await _store.InitializeAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(ListQueries))]
    public void A_first_page_walks_its_index_in_order(string shape, JobListQuery query, string index)
    {
        var (page, count) = Plans(query);

        page.ShouldContain(line => line.Contains($"INDEX {index} ", StringComparison.Ordinal), shape);
        page.ShouldNotContain(line => line.Contains("TEMP B-TREE", StringComparison.Ordinal), shape);
        ShouldNotScanTheTable(page, shape);
        ShouldNotScanTheTable(count, shape);
        count.ShouldContain(line => line.Contains("COVERING INDEX", StringComparison.Ordinal), shape);
    }

    [Theory]
    [InlineData(JobSortField.CreateTime, "ix_jobs_user_seq")]
    [InlineData(JobSortField.ExecutionTime, "ix_jobs_user_duration")]
    public void A_deep_page_and_the_output_filter_walk_a_covering_index_and_read_only_the_pages_rows(JobSortField sort, string index)
    {
        foreach (var query in new[]
        {
            new JobListQuery { UserId = 1, SortBy = sort, Offset = 50_000 },
            new JobListQuery { UserId = 1, SortBy = sort, OutputType = OutputMediaTypes.Video },
        })
        {
            JobListSql.UsesDeferredJoin(query).ShouldBeTrue();
            var (page, count) = Plans(query);

            page.ShouldContain(line => line.Contains($"COVERING INDEX {index} ", StringComparison.Ordinal));
            page.ShouldContain(line => line.Contains("SEARCH j USING INTEGER PRIMARY KEY", StringComparison.Ordinal));
            ShouldNotScanTheTable(page, sort.ToString());
            count.ShouldContain(line => line.Contains("COVERING INDEX", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(JobSortField.CreateTime)]
    [InlineData(JobSortField.ExecutionTime)]
    public void A_filter_on_active_states_reads_their_ranges_instead_of_the_history(JobSortField sort)
    {
        var (page, _) = Plans(new JobListQuery { UserId = 1, States = [JobState.Queued, JobState.Dispatched], SortBy = sort });

        page.ShouldContain(line => line.Contains("INDEX ix_jobs_user_state_seq (user_id=? AND state>? AND state<?)", StringComparison.Ordinal));
        ShouldNotScanTheTable(page, sort.ToString());
    }

    [Fact]
    public void The_queue_views_and_the_scheduler_reload_use_their_indexes()
    {
        Explain(JobListSql.InStates(JobStateMachine.ActiveStates, withPayloads: true), ("@user_id", 1L), ("@limit", 100L))
            .ShouldContain(line => line.Contains("INDEX ix_jobs_user_state_seq", StringComparison.Ordinal));
        Explain(JobListSql.CountInStates([JobState.Queued]), ("@user_id", 1L))
            .ShouldContain(line => line.Contains("COVERING INDEX ix_jobs_user_state_seq", StringComparison.Ordinal));
        Explain(JobListSql.History, ("@user_id", 1L), ("@limit", 100L), ("@offset", 0L))
            .ShouldAllBe(line => !line.StartsWith("SCAN j", StringComparison.Ordinal));

        var active = Explain(JobListSql.Active);
        active.ShouldContain(line => line.Contains("INDEX ix_jobs_active", StringComparison.Ordinal));
        active.ShouldNotContain(line => line.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    private (List<string> Page, List<string> Count) Plans(JobListQuery query)
    {
        var statements = JobListSql.Build(query).Split("; SELECT COUNT(*)", StringSplitOptions.None);
        statements.Length.ShouldBe(2);
        var parameters = new List<(string, object)> { ("@user_id", 1L), ("@limit", (long)query.Limit), ("@offset", (long)query.Offset) };
        if (query.WorkflowId is not null)
        {
            parameters.Add(("@workflow_id", query.WorkflowId));
        }

        return (Explain(statements[0], [.. parameters]), Explain("SELECT COUNT(*)" + statements[1], [.. parameters]));
    }

    private List<string> Explain(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={backend.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        var lines = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            lines.Add(reader.GetString(3));
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, lines));
        return lines;
    }

    private static void ShouldNotScanTheTable(List<string> plan, string shape) =>
        plan.ShouldNotContain(line => line.StartsWith("SCAN j", StringComparison.Ordinal) && !line.Contains("INDEX", StringComparison.Ordinal), shape);
}
