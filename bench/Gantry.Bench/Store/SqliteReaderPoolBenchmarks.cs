using BenchmarkDotNet.Attributes;
using Gantry.Domain;
using Gantry.Store.Relational;
using Gantry.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Gantry.Bench.Store;

/// <summary>
/// Why <see cref="SqliteReaderPool"/> exists: one read (a user's waiting-job count) on a read-only connection taken
/// from Gantry's own pool (driver pooling off, the connection object and its session settings kept), against the
/// same read on a new <see cref="SqliteConnection"/> from Microsoft.Data.Sqlite's built-in pool (opened, session
/// settings applied, disposed each time, as a store without its own pool would do).
/// </summary>
[MemoryDiagnoser]
public class SqliteReaderPoolBenchmarks : IDisposable
{
    private static readonly IReadOnlyList<JobState> Waiting = [JobState.Queued, JobState.Dispatched];

    private string _folder = null!;
    private SqliteGantryStore _store = null!;
    private SqliteReaderPool _pool = null!;
    private string _pooledByDriver = null!;
    private string _sql = null!;
    private long _userId;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "gantry-bench-pool-" + Guid.NewGuid().ToString("N")[..8]);
        _store = new SqliteGantryStore(Path.Combine(_folder, "gantry.db"));
        _store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        _userId = _store.CreateUserAsync("reader", isAdmin: false, CancellationToken.None).GetAwaiter().GetResult().Id;
        var prompt = """{"1": {"class_type": "PrimitiveInt", "inputs": {"value": 7}}}"""u8.ToArray();
        for (var i = 0; i < 100; i++)
        {
            _store.InsertJobAsync(
                new NewJob { Id = Guid.NewGuid(), UserId = _userId, CreatedAtMs = 1, Payload = new JobPayload { PromptJson = prompt, OutputsToExecute = ["1"] } },
                CancellationToken.None).GetAwaiter().GetResult();
        }

        var readOnly = new SqliteConnectionStringBuilder { DataSource = _store.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        _pool = new SqliteReaderPool(readOnly.ToString(), maxIdle: 4);
        readOnly.Pooling = true;
        _pooledByDriver = readOnly.ToString();
        _sql = JobListSql.CountInStates(Waiting);
    }

    [Benchmark(Baseline = true, Description = "Gantry's reader pool")]
    public long OwnPool()
    {
        var connection = _pool.Rent();
        try
        {
            return Count(connection.Connection);
        }
        finally
        {
            _pool.Return(connection);
        }
    }

    [Benchmark(Description = "Microsoft.Data.Sqlite pooling")]
    public long DriverPool()
    {
        using var connection = new SqliteConnection(_pooledByDriver);
        connection.Open();
        SqliteGantryStore.Execute(connection, "PRAGMA busy_timeout = 10000");
        return Count(connection);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _pool?.Dispose();
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    private long Count(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.Parameters.AddWithValue("@user_id", _userId);
        return (long)command.ExecuteScalar()!;
    }
}
