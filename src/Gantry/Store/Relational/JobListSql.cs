using System.Data.Common;
using System.Globalization;
using System.Text;
using Gantry.Jobs;

namespace Gantry.Store.Relational;

/// <summary>
/// The SQL of <c>GET /api/jobs</c>: one page and the total, in one command of two statements. Both backends
/// take the same text. Every filter starts from the user, so each query walks one user's slice of an index
/// (see the schema for which index serves which sort).
/// </summary>
internal static class JobListSql
{
    public static string Build(JobListQuery query)
    {
        var where = Where(query);
        var direction = query.Descending ? "DESC" : "ASC";
        var order = query.SortBy == JobSortField.ExecutionTime
            ? $"j.execution_duration_ms {direction}, j.seq {direction}"
            : $"j.seq {direction}";

        return $"SELECT {JobRows.QualifiedColumns} FROM jobs j WHERE {where} ORDER BY {order} LIMIT @limit OFFSET @offset; " +
            $"SELECT COUNT(*) FROM jobs j WHERE {where}";
    }

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
            where.Append(" AND j.state IN (").Append(JobRows.StateList(query.States)).Append(')');
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
