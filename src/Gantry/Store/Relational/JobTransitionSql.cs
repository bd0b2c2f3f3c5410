using System.Text;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>
/// Builds the one compare-and-set <c>UPDATE</c> of a <see cref="JobTransition"/>: the job moves only if its
/// current state is among the allowed sources (and it is on the expected worker), all in one statement.
/// The text is the same on both backends.
/// </summary>
internal static class JobTransitionSql
{
    /// <summary>Upsert of a terminal job's results; runs in the same transaction, only when the update matched.</summary>
    public const string UpsertResult =
        "INSERT INTO job_results (job_seq, outputs, status, meta) VALUES (@seq, @r_outputs, @r_status, @r_meta) " +
        "ON CONFLICT (job_seq) DO UPDATE SET outputs = excluded.outputs, status = excluded.status, meta = excluded.meta";

    /// <summary>The states the job may be in for the move: the state machine's sources, narrowed by <see cref="JobTransition.OnlyFrom"/>.</summary>
    public static IReadOnlyList<JobState> AllowedSources(JobTransition transition)
    {
        var sources = JobStateMachine.SourcesOf(transition.To);
        return transition.OnlyFrom is null ? sources : sources.Where(transition.OnlyFrom.Contains).ToArray();
    }

    /// <summary>The <c>UPDATE jobs ... WHERE id = @id AND state IN (...) RETURNING ...</c> statement.</summary>
    public static string BuildUpdate(JobTransition transition, IReadOnlyList<JobState> sources)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sources.Count);
        var reset = transition.ResetExecution;
        var sql = new StringBuilder(512);
        sql.Append("UPDATE jobs SET state = ").Append((int)transition.To)
            .Append(", updated_at_ms = @at, state_changed_at_ms = @at");

        if (transition.Worker is not null)
        {
            sql.Append(", worker = @worker");
        }
        else if (reset)
        {
            sql.Append(", worker = NULL");
        }

        if (transition.CountAttempt)
        {
            sql.Append(", attempts = attempts + 1");
        }

        var start = ValueOrReset(transition.ExecutionStartMs, "@start", "execution_start_ms", reset);
        var end = ValueOrReset(transition.ExecutionEndMs, "@end", "execution_end_ms", reset);
        if (start != "execution_start_ms" || end != "execution_end_ms")
        {
            sql.Append(", execution_start_ms = ").Append(start)
                .Append(", execution_end_ms = ").Append(end)
                .Append(", execution_duration_ms = ").Append(DurationExpression(start, end));
        }

        AppendIfSet(sql, transition.ErrorMessage is not null, "error_message", "@error_message");
        AppendIfSet(sql, transition.ExecutionErrorJson is not null, "execution_error", "@execution_error");
        AppendIfSet(sql, transition.OutputsCount is not null, "outputs_count", "@outputs_count");
        AppendIfSet(sql, transition.PreviewOutputJson is not null, "preview_output", "@preview_output");
        AppendIfSet(sql, transition.OutputTypes is not null, "output_types", "@output_types");

        sql.Append(" WHERE id = @id AND state IN (").Append(JobRows.StateList(sources)).Append(')');
        if (transition.OnlyOnWorker is not null)
        {
            sql.Append(" AND worker = @only_worker");
        }

        sql.Append(" RETURNING ").Append(JobRows.Columns);
        return sql.ToString();
    }

    /// <summary>Binds exactly the parameters <see cref="BuildUpdate"/> referenced.</summary>
    public static void BindUpdate(SqlParameters parameters, JobTransition transition, SqlDialect dialect)
    {
        dialect.AddGuid(parameters, "@id", transition.JobId);
        parameters.Int64("@at", transition.AtMs);
        if (transition.Worker is not null)
        {
            parameters.Text("@worker", transition.Worker);
        }

        if (transition.ExecutionStartMs is not null)
        {
            parameters.Int64("@start", transition.ExecutionStartMs);
        }

        if (transition.ExecutionEndMs is not null)
        {
            parameters.Int64("@end", transition.ExecutionEndMs);
        }

        if (transition.ErrorMessage is not null)
        {
            parameters.Text("@error_message", transition.ErrorMessage);
        }

        if (transition.ExecutionErrorJson is not null)
        {
            parameters.Blob("@execution_error", transition.ExecutionErrorJson);
        }

        if (transition.OutputsCount is not null)
        {
            parameters.Int32("@outputs_count", transition.OutputsCount);
        }

        if (transition.PreviewOutputJson is not null)
        {
            parameters.Blob("@preview_output", transition.PreviewOutputJson);
        }

        if (transition.OutputTypes is not null)
        {
            parameters.Int32("@output_types", (int)transition.OutputTypes.Value);
        }

        if (transition.OnlyOnWorker is not null)
        {
            parameters.Text("@only_worker", transition.OnlyOnWorker);
        }
    }

    /// <summary>Binds the result parameters of <see cref="UpsertResult"/> except <c>@seq</c>.</summary>
    public static void BindResult(SqlParameters parameters, JobResult result)
    {
        parameters.Blob("@r_outputs", result.OutputsJson);
        parameters.Blob("@r_status", result.StatusJson);
        parameters.Blob("@r_meta", result.MetaJson);
    }

    /// <summary>End minus start once both are known (never negative), else 0. SET expressions see the old row,
    /// so the new start and end are spelled out.</summary>
    private static string DurationExpression(string start, string end) =>
        start == "NULL" || end == "NULL"
            ? "0"
            : $"CASE WHEN {start} IS NOT NULL AND {end} IS NOT NULL AND {end} >= {start} THEN {end} - {start} ELSE 0 END";

    private static string ValueOrReset(long? value, string parameter, string column, bool reset) =>
        value is not null ? parameter : reset ? "NULL" : column;

    private static void AppendIfSet(StringBuilder sql, bool isSet, string column, string parameter)
    {
        if (isSet)
        {
            sql.Append(", ").Append(column).Append(" = ").Append(parameter);
        }
    }
}
