using System.Data.Common;
using System.Globalization;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>The job list queries: pages, a user's jobs in some states, history, the active jobs, counts (SQL in <see cref="JobListSql"/>).</summary>
internal sealed class RelationalJobListing(IRelationalDatabase database)
{
    public Task<JobPage> ListJobsAsync(JobListQuery query, CancellationToken cancellationToken) =>
        database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(JobListSql.Build(query));
            JobListSql.Bind(command, query);
            var jobs = new List<JobRecord>(Math.Clamp(query.Limit, 0, 1000));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                jobs.Add(JobRows.Read(reader, database.Dialect));
            }

            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            return new JobPage(jobs, reader.GetInt64(0));
        }, cancellationToken);

    public async Task<IReadOnlyList<JobRecord>> ListUserJobsInStatesAsync(
        long userId, IReadOnlyList<JobState> states, int limit, CancellationToken cancellationToken)
    {
        if (states.Count == 0 || limit <= 0)
        {
            return [];
        }

        return await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(JobListSql.InStates(states, withPayloads: false));
            command.AddInt64("@user_id", userId);
            command.AddInt64("@limit", limit);
            return await ReadJobsAsync(command, ct);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<(JobRecord Job, JobPayload Payload)>> ListUserJobsWithPayloadsAsync(
        long userId, IReadOnlyList<JobState> states, int limit, CancellationToken cancellationToken)
    {
        if (states.Count == 0 || limit <= 0)
        {
            return [];
        }

        return await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(JobListSql.InStates(states, withPayloads: true));
            command.AddInt64("@user_id", userId);
            command.AddInt64("@limit", limit);
            var jobs = new List<(JobRecord, JobPayload)>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                jobs.Add((JobRows.Read(reader, database.Dialect), JobRows.ReadPayload(reader, JobRows.ColumnCount)));
            }

            return (IReadOnlyList<(JobRecord, JobPayload)>)jobs;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<JobRecord>> ListHistoryAsync(long userId, int offset, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }

        return await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(JobListSql.History);
            command.AddInt64("@user_id", userId);
            command.AddInt64("@limit", limit);
            command.AddInt64("@offset", Math.Max(0, offset));
            return await ReadJobsAsync(command, ct);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<JobDetail>> ListHistoryDetailsAsync(long userId, int offset, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }

        return await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(JobListSql.HistoryDetails);
            command.AddInt64("@user_id", userId);
            command.AddInt64("@limit", limit);
            command.AddInt64("@offset", Math.Max(0, offset));
            var details = new List<JobDetail>(Math.Min(limit, 1000));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                details.Add(new JobDetail(
                    JobRows.Read(reader, database.Dialect),
                    JobRows.ReadPayload(reader, JobRows.ColumnCount),
                    JobRows.ReadResult(reader, JobRows.ColumnCount + 3)));
            }

            return (IReadOnlyList<JobDetail>)details;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<JobRecord>> ListActiveJobsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<JobRecord>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(JobListSql.Active);
            return await ReadJobsAsync(command, ct);
        }, cancellationToken);

    public async Task<int> CountUserJobsInStatesAsync(long userId, IReadOnlyList<JobState> states, CancellationToken cancellationToken)
    {
        if (states.Count == 0)
        {
            return 0;
        }

        return await database.QueryAsync(
            JobListSql.CountInStates(states),
            command => command.AddInt64("@user_id", userId),
            async (reader, ct) => await reader.ReadAsync(ct) ? Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture) : 0,
            cancellationToken);
    }

    /// <summary>Reads every row of a job query.</summary>
    private async Task<List<JobRecord>> ReadJobsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<JobRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(JobRows.Read(reader, database.Dialect));
        }

        return jobs;
    }
}
