using System.Data.Common;
using Gantry.Auth;

namespace Gantry.Load.Seeding;

/// <summary>
/// Fills a Gantry database straight through SQL, far faster than through the API: users with API keys, a
/// history of finished jobs, a queue. Runs on the schema Gantry created (call it after <c>InitializeAsync</c>),
/// before the server starts serving, so the scheduler's reload sees the queued jobs.
/// </summary>
public abstract class StoreSeeder
{
    /// <summary>Rows written per transaction: big enough that commits cost nothing, small enough that the WAL stays small.</summary>
    protected const int ChunkSize = 100_000;

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Writes jobs (with their payloads) in bulk.</summary>
    protected abstract Task InsertJobsAsync(DbConnection connection, IReadOnlyList<SeedJob> jobs, CancellationToken cancellationToken);

    /// <summary>Creates <paramref name="count"/> users named <c>{prefix}-{i}</c>, each with one API key.</summary>
    public async Task<IReadOnlyList<BenchUser>> AddUsersAsync(int count, string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insertUser = Command(connection, transaction,
            "INSERT INTO users (name, is_admin, created_at_ms) VALUES (@name, @is_admin, @at) RETURNING id");
        await using var insertKey = Command(connection, transaction,
            "INSERT INTO api_keys (user_id, key_hash, prefix, created_at_ms) VALUES (@user_id, @hash, @prefix, @at)");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var users = new List<BenchUser>(count);
        for (var i = 0; i < count; i++)
        {
            var name = $"{prefix}-{i}";
            SetParameters(insertUser, ("@name", name), ("@is_admin", false), ("@at", now));
            var id = Convert.ToInt64(await insertUser.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            var key = ApiKeys.Generate();
            SetParameters(insertKey, ("@user_id", id), ("@hash", ApiKeys.Hash(key)), ("@prefix", ApiKeys.DisplayPrefix(key)), ("@at", now));
            await insertKey.ExecuteNonQueryAsync(cancellationToken);
            users.Add(new BenchUser(id, name, key));
        }

        await transaction.CommitAsync(cancellationToken);
        return users;
    }

    /// <summary>
    /// Writes <paramref name="jobsPerUser"/> finished jobs for every user, interleaved in time the way users
    /// submit (round robin, one job a second apart per user), oldest first.
    /// </summary>
    public async Task AddHistoryAsync(IReadOnlyList<BenchUser> users, int jobsPerUser, CancellationToken cancellationToken)
    {
        var random = new Random(20261123);
        var start = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken);
        var chunk = new List<SeedJob>(ChunkSize);
        for (var round = 0; round < jobsPerUser; round++)
        {
            foreach (var user in users)
            {
                chunk.Add(SeedJob.Finished(random, user.Id, start + (round * 1000L)));
                if (chunk.Count == ChunkSize)
                {
                    await InsertJobsAsync(connection, chunk, cancellationToken);
                    chunk.Clear();
                }
            }
        }

        if (chunk.Count > 0)
        {
            await InsertJobsAsync(connection, chunk, cancellationToken);
        }
    }

    /// <summary>Queues <paramref name="count"/> jobs for one user.</summary>
    public async Task AddQueuedAsync(BenchUser user, int count, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken);
        var jobs = Enumerable.Range(0, count).Select(i => SeedJob.Queued(user.Id, now + i)).ToList();
        for (var i = 0; i < jobs.Count; i += ChunkSize)
        {
            await InsertJobsAsync(connection, jobs.GetRange(i, Math.Min(ChunkSize, jobs.Count - i)), cancellationToken);
        }
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    protected static void SetParameters(DbCommand command, params (string Name, object? Value)[] values)
    {
        if (command.Parameters.Count == 0)
        {
            foreach (var (name, _) in values)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i].Value ?? DBNull.Value;
        }
    }
}
