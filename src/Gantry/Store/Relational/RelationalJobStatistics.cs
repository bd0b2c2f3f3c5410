using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>
/// <see cref="IJobStatistics"/> on SQLite or PostgreSQL (the SQL agrees on both). Both queries scan the jobs table:
/// fine for an admin page read now and then, not for a hot path.
/// </summary>
internal sealed class RelationalJobStatistics(IRelationalDatabase database) : IJobStatistics
{
    public Task<IReadOnlyDictionary<JobState, long>> CountByStateAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyDictionary<JobState, long>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText("SELECT state, COUNT(*) FROM jobs GROUP BY state");
            await using var reader = await command.ExecuteReaderAsync(ct);
            var counts = new Dictionary<JobState, long>();
            while (await reader.ReadAsync(ct))
            {
                counts[(JobState)reader.GetInt32(0)] = reader.GetInt64(1);
            }

            return counts;
        }, cancellationToken);

    public Task<IReadOnlyList<FinishedInMinute>> FinishedPerMinuteAsync(long sinceMs, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<FinishedInMinute>>(async (connection, ct) =>
        {
            // An ended job's state no longer changes, so the time of its last change is when it ended.
            await using var command = connection.CreateCommand().WithText(
                "SELECT state_changed_at_ms / 60000 AS minute, state, COUNT(*) FROM jobs " +
                "WHERE state IN (4, 5, 6) AND state_changed_at_ms >= @since GROUP BY state_changed_at_ms / 60000, state");
            command.AddInt64("@since", sinceMs);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var minutes = new List<FinishedInMinute>();
            while (await reader.ReadAsync(ct))
            {
                minutes.Add(new FinishedInMinute(reader.GetInt64(0), (JobState)reader.GetInt32(1), reader.GetInt64(2)));
            }

            return minutes;
        }, cancellationToken);
}
