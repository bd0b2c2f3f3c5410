using BenchmarkDotNet.Attributes;
using Gantry.Domain;
using Gantry.Store.Relational;
using Gantry.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Gantry.Bench.Store;

/// <summary>
/// What one store read costs on SQLite, the read every submit makes (the queue cap's count of a user's waiting jobs)
/// and the read of <c>GET /api/job/{id}/status</c>, through <see cref="SqliteGantryStore"/>. Baseline: the same count
/// on a read-only connection with the command prepared once and reused. Both store reads go through
/// <c>IRelationalDatabase.QueryAsync</c>, which keeps their statements prepared per pooled reader, so what is left
/// between them and the baseline is the pool, the parameter binding and the row mapping.
/// </summary>
[MemoryDiagnoser]
public class SqliteReadBenchmarks : IDisposable
{
    private static readonly IReadOnlyList<JobState> Waiting = [JobState.Queued, JobState.Dispatched];

    private string _folder = null!;
    private SqliteGantryStore _store = null!;
    private SqliteConnection _connection = null!;
    private SqliteCommand _prepared = null!;
    private long _userId;
    private Guid _jobId;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "gantry-bench-store-" + Guid.NewGuid().ToString("N")[..8]);
        _store = new SqliteGantryStore(Path.Combine(_folder, "gantry.db"));
        _store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        _userId = _store.CreateUserAsync("reader", isAdmin: false, CancellationToken.None).GetAwaiter().GetResult().Id;
        var prompt = """{"1": {"class_type": "PrimitiveInt", "inputs": {"value": 7}}}"""u8.ToArray();
        for (var i = 0; i < 100; i++)
        {
            _jobId = _store.InsertJobAsync(
                new NewJob
                {
                    Id = Guid.NewGuid(),
                    UserId = _userId,
                    CreatedAtMs = 1,
                    Payload = new JobPayload { PromptJson = prompt, OutputsToExecute = ["1"] },
                },
                CancellationToken.None).GetAwaiter().GetResult().Id;
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _store.DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        _connection.Open();
        _prepared = _connection.CreateCommand();
        _prepared.CommandText = JobListSql.CountInStates(Waiting);
        _prepared.Parameters.AddWithValue("@user_id", _userId);
        _prepared.Prepare();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _prepared.Dispose();
        _connection.Dispose();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public long CountWithPreparedCommand() => (long)_prepared.ExecuteScalar()!;

    [Benchmark]
    public Task<int> CountThroughStore() => _store.CountUserJobsInStatesAsync(_userId, Waiting, CancellationToken.None);

    [Benchmark]
    public Task<JobRecord?> GetJobThroughStore() => _store.GetJobAsync(_jobId, CancellationToken.None);
}
