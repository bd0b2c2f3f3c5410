using System.Data.Common;
using System.Globalization;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>
/// The column lists every job query selects, and the mapping of those columns back to records.
/// Both backends name and order the columns the same way, so one mapping serves both.
/// </summary>
internal static class JobRows
{
    /// <summary>The <see cref="JobRecord"/> columns, unqualified (for <c>RETURNING</c>).</summary>
    public const string Columns =
        "id, user_id, seq, state, created_at_ms, updated_at_ms, state_changed_at_ms, workflow_id, client_id, number, " +
        "worker, attempts, execution_start_ms, execution_end_ms, execution_duration_ms, error_message, execution_error, " +
        "outputs_count, preview_output, output_types, dispatched_at_ms";

    /// <summary>The same columns qualified with the alias <c>j</c>.</summary>
    public static readonly string QualifiedColumns = "j." + Columns.Replace(", ", ", j.", StringComparison.Ordinal);

    /// <summary>How many columns <see cref="Columns"/> has; payload and result columns follow from here.</summary>
    public const int ColumnCount = 21;

    /// <summary>The payload columns of <c>job_payloads p</c>, in the order <see cref="ReadPayload"/> expects.</summary>
    public const string PayloadColumns = "p.prompt, p.extra_data, p.outputs_to_execute";

    /// <summary>The result columns of <c>job_results r</c>, in the order <see cref="ReadResult"/> expects.</summary>
    public const string ResultColumns = "r.job_seq, r.outputs, r.status, r.meta";

    public static JobRecord Read(DbDataReader reader, SqlDialect dialect) => new()
    {
        Id = dialect.ReadGuid(reader, 0),
        UserId = reader.GetInt64(1),
        Sequence = reader.GetInt64(2),
        State = (JobState)reader.GetInt32(3),
        CreatedAtMs = reader.GetInt64(4),
        UpdatedAtMs = reader.GetInt64(5),
        StateChangedAtMs = reader.GetInt64(6),
        WorkflowId = reader.GetNullableString(7),
        ClientId = reader.GetNullableString(8),
        Number = reader.GetNullableDouble(9),
        Worker = reader.GetNullableString(10),
        Attempts = reader.GetInt32(11),
        ExecutionStartMs = reader.GetNullableInt64(12),
        ExecutionEndMs = reader.GetNullableInt64(13),
        ExecutionDurationMs = reader.GetInt64(14),
        ErrorMessage = reader.GetNullableString(15),
        ExecutionErrorJson = reader.GetNullableBytes(16),
        OutputsCount = reader.GetNullableInt32(17),
        PreviewOutputJson = reader.GetNullableBytes(18),
        OutputTypes = (OutputMediaTypes)reader.GetInt32(19),
        DispatchedAtMs = reader.GetNullableInt64(20),
    };

    /// <summary>The payload columns with the job's stored requirements last: what the scheduler reads.</summary>
    public const string PayloadColumnsWithRequirements = PayloadColumns + ", p.requirements";

    /// <summary>
    /// Reads <see cref="PayloadColumns"/> starting at <paramref name="first"/>, or <see cref="PayloadColumnsWithRequirements"/>
    /// when <paramref name="withRequirements"/> (the read views never need them).
    /// </summary>
    public static JobPayload ReadPayload(DbDataReader reader, int first, bool withRequirements = false) => new()
    {
        PromptJson = reader.GetFieldValue<byte[]>(first),
        ExtraDataJson = reader.GetNullableBytes(first + 1),
        OutputsToExecute = StringListJson.Decode(reader.GetString(first + 2)),
        Requirements = withRequirements && reader.GetNullableString(first + 3) is { } stored ? JobRequirements.FromStoredJson(stored) : null,
    };

    /// <summary>Reads <see cref="ResultColumns"/> starting at <paramref name="first"/>; null when the job has no results row.</summary>
    public static JobResult? ReadResult(DbDataReader reader, int first) =>
        reader.IsDBNull(first)
            ? null
            : new JobResult
            {
                OutputsJson = reader.GetNullableBytes(first + 1),
                StatusJson = reader.GetNullableBytes(first + 2),
                MetaJson = reader.GetNullableBytes(first + 3),
            };

    /// <summary>The row a successful insert created: everything follows from the submit and the assigned sequence.</summary>
    public static JobRecord Inserted(NewJob job, long sequence) => new()
    {
        Id = job.Id,
        UserId = job.UserId,
        Sequence = sequence,
        State = JobState.Queued,
        CreatedAtMs = job.CreatedAtMs,
        UpdatedAtMs = job.CreatedAtMs,
        StateChangedAtMs = job.CreatedAtMs,
        WorkflowId = job.WorkflowId,
        ClientId = job.ClientId,
        Number = job.Number,
    };

    /// <summary>A literal list of states for <c>state IN (...)</c>; states are enum constants, never user text.</summary>
    public static string StateList(IEnumerable<JobState> states) =>
        string.Join(", ", states.Select(s => (int)s).Distinct().Order().Select(s => s.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// "<paramref name="column"/> is one of <paramref name="states"/>" for a query on one user's jobs. Active states are
    /// spelled as ranges (<c>state BETWEEN 0 AND 1</c>, a single state as <c>BETWEEN 2 AND 2</c>), never as a list or an
    /// equality: those imply the predicate of the partial index <c>ix_jobs_active</c>, which holds every user's active
    /// jobs, and PostgreSQL then picks it whenever its statistics were taken before the queue grew (it believes the
    /// index nearly empty) and filters the whole fleet's queue by user, on every submit's cap count. A range implies no
    /// list, so the planner keeps to the user's slice of <c>(user_id, state, seq)</c>; SQLite reads the same slice.
    /// Other sets stay a list (<c>IN (4, 5, 6)</c>): a terminal state in it already keeps the partial index out.
    /// </summary>
    public static string UserStateCondition(string column, IReadOnlyCollection<JobState> states)
    {
        if (states.Count == 0 || !states.All(JobStateMachine.IsActive))
        {
            return $"{column} IN ({StateList(states)})";
        }

        var values = states.Select(s => (int)s).Distinct().Order().ToArray();
        var ranges = new List<string>();
        for (var start = 0; start < values.Length;)
        {
            var end = start;
            while (end + 1 < values.Length && values[end + 1] == values[end] + 1)
            {
                end++;
            }

            ranges.Add(string.Create(CultureInfo.InvariantCulture, $"{column} BETWEEN {values[start]} AND {values[end]}"));
            start = end + 1;
        }

        return ranges.Count == 1 ? ranges[0] : "(" + string.Join(" OR ", ranges) + ")";
    }
}
