namespace Gantry.Store.Relational;

/// <summary>
/// When a job was last handed to a worker (issue 12's migration step): <c>jobs.dispatched_at_ms</c>, set by the move to
/// <see cref="Domain.JobState.Dispatched"/> and cleared when the job goes back to the queue (see <see cref="JobTransitionSql"/>).
/// The dashboard's job timeline shows it between submitted and started. Jobs dispatched before this step have none.
/// <c>SqliteSchema</c> and <c>PostgresSchema</c> list the step.
/// </summary>
internal static class DispatchTimeSchema
{
    /// <summary>The step number (issue 12 owns step 8).</summary>
    public const int Version = 8;

    public const string Name = "the time a job was dispatched to its worker";

    public const string Sqlite = "ALTER TABLE jobs ADD COLUMN dispatched_at_ms INTEGER;";

    public const string Postgres = "ALTER TABLE jobs ADD COLUMN dispatched_at_ms bigint;";
}
