using System.Data.Common;
using System.Globalization;
using System.Text;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>
/// The SQL of the job lists: <c>GET /api/jobs</c> (one page and the total, one command of two statements), the
/// queue and history views, and the scheduler's reload. Both backends take the same text. Every per-user query
/// walks one user's slice of an index (see <c>SqliteSchema</c> for which index serves which sort and filter).
/// </summary>
internal static class JobListSql
{
    public static string Build(JobListQuery query) => Build(query, JobRows.QualifiedColumns);

    /// <summary>The page (selecting <paramref name="columns"/>, qualified with <c>j</c>) and the total, as two statements.</summary>
    public static string Build(JobListQuery query, string columns)
    {
        var where = Where(query);
        var direction = query.Descending ? "DESC" : "ASC";
        var key = SortKeyPrefix(query.States);
        var order = query.SortBy == JobSortField.ExecutionTime
            ? $"{key}j.execution_duration_ms {direction}, j.seq {direction}"
            : $"{key}j.seq {direction}";

        var count = $"SELECT COUNT(*) FROM jobs j WHERE {where}";
        if (!UsesDeferredJoin(query))
        {
            return $"SELECT {columns} FROM jobs j WHERE {where} ORDER BY {order} LIMIT @limit OFFSET @offset; {count}";
        }

        // Deferred join: the inner query finds the page's seqs on an index alone (walking past the offset, or
        // past rows the output filter drops, costs index entries, not table rows); then only the page's rows
        // are read, and put back in order.
        return $"SELECT {columns} FROM jobs j JOIN (" +
            $"SELECT j.seq FROM jobs j WHERE {where} ORDER BY {order} LIMIT @limit OFFSET @offset" +
            $") page ON page.seq = j.seq ORDER BY {order}; {count}";
    }

    /// <summary>
    /// Whether the page is found on the index first. Worth it past the first page and with the output filter;
    /// a plain first page reads just its rows already, and the join would add a primary-key lookup per row.
    /// </summary>
    public static bool UsesDeferredJoin(JobListQuery query) => query.Offset > 0 || query.OutputType != OutputMediaTypes.None;

    /// <summary>
    /// A unary <c>+</c> for the sort key when the filter asks only for active states. Those are few per user
    /// (the queue limits bound them) while the history is unbounded: the <c>+</c> keeps the planner from walking
    /// the user's whole history in sort order and makes it read the <c>(user_id, state, seq)</c> ranges and sort
    /// the few rows. Valid on both SQLite and PostgreSQL.
    /// </summary>
    public static string SortKeyPrefix(IReadOnlyList<JobState> states) =>
        states.Count > 0 && states.All(JobStateMachine.IsActive) ? "+" : "";

    /// <summary>A user's jobs in some states, oldest first (with <c>@user_id</c>, <c>@limit</c>); optionally with payloads.</summary>
    public static string InStates(IReadOnlyList<JobState> states, bool withPayloads) =>
        $"SELECT {JobRows.QualifiedColumns}{(withPayloads ? ", " + JobRows.PayloadColumns : "")} FROM jobs j " +
        (withPayloads ? "JOIN job_payloads p ON p.job_seq = j.seq " : "") +
        $"WHERE j.user_id = @user_id AND {JobRows.UserStateCondition("j.state", states)} " +
        $"ORDER BY {SortKeyPrefix(states)}j.seq LIMIT @limit";

    /// <summary>How many of a user's jobs are in some states (with <c>@user_id</c>).</summary>
    public static string CountInStates(IReadOnlyList<JobState> states) =>
        $"SELECT COUNT(*) FROM jobs j WHERE j.user_id = @user_id AND {JobRows.UserStateCondition("j.state", states)}";

    /// <summary>A user's terminal jobs, newest first (with <c>@user_id</c>, <c>@limit</c>, <c>@offset</c>).</summary>
    public static readonly string History =
        $"SELECT {JobRows.QualifiedColumns} FROM jobs j WHERE j.user_id = @user_id " +
        $"AND j.state IN ({JobRows.StateList(JobStateMachine.TerminalStates)}) ORDER BY j.seq DESC LIMIT @limit OFFSET @offset";

    /// <summary>
    /// <see cref="History"/> with each job's payload and results (after <see cref="JobRows.ColumnCount"/>: payload, then
    /// result columns). The page's seqs are found first, so rows skipped by the offset never join their payloads.
    /// </summary>
    public static readonly string HistoryDetails =
        $"SELECT {JobRows.QualifiedColumns}, {JobRows.PayloadColumns}, {JobRows.ResultColumns} FROM jobs j " +
        "JOIN (SELECT j.seq FROM jobs j WHERE j.user_id = @user_id " +
        $"AND j.state IN ({JobRows.StateList(JobStateMachine.TerminalStates)}) ORDER BY j.seq DESC LIMIT @limit OFFSET @offset) page " +
        "ON page.seq = j.seq JOIN job_payloads p ON p.job_seq = j.seq LEFT JOIN job_results r ON r.job_seq = j.seq ORDER BY j.seq DESC";

    /// <summary>
    /// Every active job in submission order: the scheduler's reload. The predicate is spelled exactly as the one
    /// of the partial index <c>ix_jobs_active</c>, so the planner can use it.
    /// </summary>
    public static readonly string Active =
        $"SELECT {JobRows.QualifiedColumns} FROM jobs j WHERE j.state IN (0, 1, 2, 3) ORDER BY j.seq";

    public static void Bind(DbCommand command, JobListQuery query)
    {
        command.AddInt64("@user_id", query.UserId);
        if (query.WorkflowId is not null)
        {
            command.AddText("@workflow_id", query.WorkflowId);
        }

        command.AddInt64("@limit", Math.Max(0, query.Limit));
        command.AddInt64("@offset", Math.Max(0, query.Offset));
    }

    private static string Where(JobListQuery query)
    {
        var where = new StringBuilder("j.user_id = @user_id");
        if (query.States.Count > 0)
        {
            where.Append(" AND ").Append(JobRows.UserStateCondition("j.state", query.States));
        }

        if (query.WorkflowId is not null)
        {
            where.Append(" AND j.workflow_id = @workflow_id");
        }

        if (query.OutputType != OutputMediaTypes.None)
        {
            // A flags literal: the job's outputs contain any of the asked media.
            where.Append(" AND (j.output_types & ")
                .Append(((int)query.OutputType).ToString(CultureInfo.InvariantCulture))
                .Append(") <> 0");
        }

        return where.ToString();
    }
}
