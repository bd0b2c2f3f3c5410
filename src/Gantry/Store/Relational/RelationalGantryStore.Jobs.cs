using System.Data.Common;
using System.Globalization;
using Gantry.Domain;

namespace Gantry.Store.Relational;

public abstract partial class RelationalGantryStore
{
    /// <summary>Largest id list one <c>DELETE ... IN (...)</c> statement carries.</summary>
    private const int DeleteChunkSize = 500;

    public Task<JobRecord> InsertJobAsync(NewJob job, CancellationToken cancellationToken) =>
        _inserts.EnqueueAsync(job, cancellationToken);

    public Task<JobRecord?> TransitionAsync(JobTransition transition, CancellationToken cancellationToken)
    {
        // No state can match: the compare-and-set fails without asking the database.
        return JobTransitionSql.AllowedSources(transition).Count == 0
            ? Task.FromResult<JobRecord?>(null)
            : _transitions.EnqueueAsync(transition, cancellationToken);
    }

    public Task<JobRecord?> GetJobAsync(Guid id, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand()
                .WithText($"SELECT {JobRows.QualifiedColumns} FROM jobs j WHERE j.id = @id");
            Dialect.AddGuid(command, "@id", id);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? JobRows.Read(reader, Dialect) : null;
        }, cancellationToken);

    public Task<JobDetail?> GetJobDetailAsync(Guid id, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {JobRows.QualifiedColumns}, {JobRows.PayloadColumns}, {JobRows.ResultColumns} " +
                "FROM jobs j JOIN job_payloads p ON p.job_seq = j.seq LEFT JOIN job_results r ON r.job_seq = j.seq " +
                "WHERE j.id = @id");
            Dialect.AddGuid(command, "@id", id);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            return new JobDetail(
                JobRows.Read(reader, Dialect),
                JobRows.ReadPayload(reader, JobRows.ColumnCount),
                JobRows.ReadResult(reader, JobRows.ColumnCount + 3));
        }, cancellationToken);

    public Task<JobPayload?> GetPayloadAsync(Guid id, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {JobRows.PayloadColumnsWithRequirements} FROM jobs j JOIN job_payloads p ON p.job_seq = j.seq WHERE j.id = @id");
            Dialect.AddGuid(command, "@id", id);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? JobRows.ReadPayload(reader, 0, withRequirements: true) : null;
        }, cancellationToken);

    public Task<int> DeleteHistoryAsync(long userId, IReadOnlyList<Guid>? ids, CancellationToken cancellationToken)
    {
        if (ids is { Count: 0 })
        {
            return Task.FromResult(0);
        }

        // Payloads and results go with their job (ON DELETE CASCADE).
        return WriteAsync(async (connection, transaction, ct) =>
        {
            var deleteTerminal =
                $"DELETE FROM jobs WHERE user_id = @user_id AND state IN ({JobRows.StateList(JobStateMachine.TerminalStates)})";
            if (ids is null)
            {
                await using var all = connection.CreateCommand().WithText(deleteTerminal, transaction);
                all.AddInt64("@user_id", userId);
                return await all.ExecuteNonQueryAsync(ct);
            }

            var deleted = 0;
            foreach (var chunk in ids.Distinct().Chunk(DeleteChunkSize))
            {
                await using var some = connection.CreateCommand();
                some.Transaction = transaction;
                some.AddInt64("@user_id", userId);
                var names = new string[chunk.Length];
                for (var i = 0; i < chunk.Length; i++)
                {
                    names[i] = "@id" + i.ToString(CultureInfo.InvariantCulture);
                    Dialect.AddGuid(some, names[i], chunk[i]);
                }

                some.CommandText = $"{deleteTerminal} AND id IN ({string.Join(", ", names)})";
                deleted += await some.ExecuteNonQueryAsync(ct);
            }

            return deleted;
        }, cancellationToken);
    }

    /// <summary>Reads every row of a job query.</summary>
    private protected async Task<List<JobRecord>> ReadJobsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<JobRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(JobRows.Read(reader, Dialect));
        }

        return jobs;
    }
}
