using Gantry.Store.Relational;

namespace Gantry.Store.Leadership;

/// <summary>
/// The SQL of the leadership term: starting a term (the epoch grows by one) and reading it. Where leadership itself
/// comes from (an advisory lock on PostgreSQL, the one process on SQLite) is not this class's business: it is called
/// once the caller holds it.
/// </summary>
internal sealed class LeadershipSql(IRelationalDatabase database)
{
    /// <summary>The row of the dispatcher's term.</summary>
    public const string Dispatcher = "dispatcher";

    /// <summary>
    /// The guard a fenced job transition adds to its <c>WHERE</c>: the term it was decided under is still the current one.
    /// On PostgreSQL the row is share-locked (<paramref name="shareLock"/>), so a new leader's <see cref="BeginTermAsync"/>
    /// waits for transitions in flight and a transition behind it sees the new epoch and matches nothing.
    /// </summary>
    public static string EpochGuard(bool shareLock) =>
        $" AND EXISTS (SELECT 1 FROM leadership WHERE name = '{Dispatcher}' AND epoch = @epoch{(shareLock ? " FOR SHARE" : "")})";

    /// <summary>Starts a new term for <paramref name="holder"/> and returns its epoch.</summary>
    public Task<long> BeginTermAsync(string holder, long atMs, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "UPDATE leadership SET epoch = epoch + 1, holder = @holder, acquired_at_ms = @at WHERE name = @name RETURNING epoch",
                transaction);
            command.AddText("@holder", holder);
            command.AddInt64("@at", atMs);
            command.AddText("@name", Dispatcher);
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>The current term: its epoch and who holds it (null before any instance led).</summary>
    public Task<(long Epoch, string? Holder)> ReadTermAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText("SELECT epoch, holder FROM leadership WHERE name = @name");
            command.AddText("@name", Dispatcher);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct)
                ? (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1))
                : (0L, (string?)null);
        }, cancellationToken);
}
