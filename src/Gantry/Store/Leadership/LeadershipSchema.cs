namespace Gantry.Store.Leadership;

/// <summary>
/// The dispatcher's leadership term (issue 13's migration step): one row per leadership name whose <c>epoch</c> grows by
/// one each time an instance becomes leader. Job transitions made by the dispatcher carry the epoch they were decided
/// under and are refused once it is no longer the row's (see <see cref="LeadershipSql"/>). <c>SqliteSchema</c> and
/// <c>PostgresSchema</c> list the step; on SQLite there is one instance, which is always the leader.
/// </summary>
internal static class LeadershipSchema
{
    /// <summary>The step number (issue 13 owns step 7).</summary>
    public const int Version = 7;

    public const string Name = "dispatcher leadership epoch (fencing)";

    public const string Sqlite = """
        CREATE TABLE leadership (
            name TEXT PRIMARY KEY,
            epoch INTEGER NOT NULL,
            holder TEXT,
            acquired_at_ms INTEGER
        );
        INSERT INTO leadership (name, epoch) VALUES ('dispatcher', 0);
        """;

    public const string Postgres = """
        CREATE TABLE leadership (
            name text PRIMARY KEY,
            epoch bigint NOT NULL,
            holder text,
            acquired_at_ms bigint
        );
        INSERT INTO leadership (name, epoch) VALUES ('dispatcher', 0);
        """;
}
