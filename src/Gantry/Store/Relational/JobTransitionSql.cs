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

    /// <summary>
    /// Every optional parameter of the update, in one table: when the statement uses it, the column it sets (null for
    /// those used in an expression or the guard), and how it is bound. <see cref="BuildUpdate"/> and
    /// <see cref="BindUpdate"/> both read it, so a parameter is bound exactly when the statement names it.
    /// </summary>
    private static readonly Parameter[] Optional =
    [
        new("@worker", "worker", t => t.Worker is not null, (p, t) => p.Text("@worker", t.Worker)),
        new("@start", null, t => t.ExecutionStartMs is not null, (p, t) => p.Int64("@start", t.ExecutionStartMs)),
        new("@end", null, t => t.ExecutionEndMs is not null, (p, t) => p.Int64("@end", t.ExecutionEndMs)),
        new("@error_message", "error_message", t => t.ErrorMessage is not null, (p, t) => p.Text("@error_message", t.ErrorMessage)),
        new("@execution_error", "execution_error", t => t.ExecutionErrorJson is not null, (p, t) => p.Blob("@execution_error", t.ExecutionErrorJson)),
        new("@outputs_count", "outputs_count", t => t.OutputsCount is not null, (p, t) => p.Int32("@outputs_count", t.OutputsCount)),
        new("@preview_output", "preview_output", t => t.PreviewOutputJson is not null, (p, t) => p.Blob("@preview_output", t.PreviewOutputJson)),
        new("@output_types", "output_types", t => t.OutputTypes is not null, (p, t) => p.Int32("@output_types", (int?)t.OutputTypes)),
        new("@only_worker", null, t => t.OnlyOnWorker is not null, (p, t) => p.Text("@only_worker", t.OnlyOnWorker)),
        new("@epoch", null, t => t.Epoch is not null, (p, t) => p.Int64("@epoch", t.Epoch)),
    ];

    /// <summary>The <c>UPDATE jobs ... WHERE id = @id AND state IN (...) RETURNING ...</c> statement.</summary>
    /// <param name="transition">The move.</param>
    /// <param name="sources">The states it may start from (<see cref="AllowedSources"/>).</param>
    /// <param name="shareLocksRows">Whether the backend share-locks the leadership row a fenced move reads (PostgreSQL).</param>
    public static string BuildUpdate(JobTransition transition, IReadOnlyList<JobState> sources, bool shareLocksRows = false)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sources.Count);
        var reset = transition.ResetExecution;
        var sql = new StringBuilder(512);
        sql.Append("UPDATE jobs SET state = ").Append((int)transition.To)
            .Append(", updated_at_ms = @at, state_changed_at_ms = @at");

        foreach (var parameter in Optional)
        {
            if (parameter.Column is { } column && parameter.IsUsed(transition))
            {
                sql.Append(", ").Append(column).Append(" = ").Append(parameter.Name);
            }
        }

        // The dispatch time of the timeline: stamped by each hand-over, gone when the job waits in the queue again.
        if (transition.To == JobState.Dispatched)
        {
            sql.Append(", dispatched_at_ms = @at");
        }
        else if (transition.To == JobState.Queued)
        {
            sql.Append(", dispatched_at_ms = NULL");
        }

        if (reset && transition.Worker is null)
        {
            sql.Append(", worker = NULL");
        }

        if (transition.CountAttempt)
        {
            sql.Append(", attempts = attempts + 1");
        }

        var start = ValueOrReset(Uses(transition, "@start"), "@start", "execution_start_ms", reset);
        var end = ValueOrReset(Uses(transition, "@end"), "@end", "execution_end_ms", reset);
        if (start != "execution_start_ms" || end != "execution_end_ms")
        {
            sql.Append(", execution_start_ms = ").Append(start)
                .Append(", execution_end_ms = ").Append(end)
                .Append(", execution_duration_ms = ").Append(DurationExpression(start, end));
        }

        sql.Append(" WHERE id = @id AND state IN (").Append(JobRows.StateList(sources)).Append(')');
        if (Uses(transition, "@only_worker"))
        {
            sql.Append(" AND worker = @only_worker");
        }

        if (Uses(transition, "@epoch"))
        {
            sql.Append(Leadership.LeadershipSql.EpochGuard(shareLocksRows));
        }

        sql.Append(" RETURNING ").Append(JobRows.Columns);
        return sql.ToString();
    }

    /// <summary>Binds <c>@id</c>, <c>@at</c> and exactly the optional parameters <see cref="BuildUpdate"/> used.</summary>
    public static void BindUpdate(SqlParameters parameters, JobTransition transition, SqlDialect dialect)
    {
        dialect.AddGuid(parameters, "@id", transition.JobId);
        parameters.Int64("@at", transition.AtMs);
        foreach (var parameter in Optional)
        {
            if (parameter.IsUsed(transition))
            {
                parameter.Bind(parameters, transition);
            }
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

    private static bool Uses(JobTransition transition, string name) => Optional.First(p => p.Name == name).IsUsed(transition);

    private static string ValueOrReset(bool isSet, string parameter, string column, bool reset) =>
        isSet ? parameter : reset ? "NULL" : column;

    private sealed record Parameter(string Name, string? Column, Func<JobTransition, bool> IsUsed, Action<SqlParameters, JobTransition> Bind);
}
