using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gantry.Api;
using Gantry.Api.Cloud;
using Gantry.Api.Cloud.Contracts;
using Gantry.Api.Json;
using Gantry.Domain;
using Gantry.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Gantry.Bench.Store;

/// <summary>
/// What one page of <c>GET /api/jobs</c> (the default first page of 100 over a user's 1,000 finished jobs) costs in CPU
/// and allocations on SQLite, without HTTP: the store query alone, and the query with the JSON answer written into a
/// buffer the way the endpoint writes it.
/// </summary>
[MemoryDiagnoser]
public class ListPageBenchmarks : IDisposable
{
    private static readonly byte[] Preview = Encoding.UTF8.GetBytes(
        """{"filename":"ComfyUI_00001_.png","subfolder":"","type":"output","nodeId":"9","mediaType":"images"}""");

    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private string _folder = null!;
    private SqliteGantryStore _store = null!;
    private JobListQuery _query = null!;
    private JobListAnswer _answer = null!;
    private JsonSerializerOptions _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "gantry-bench-list-" + Guid.NewGuid().ToString("N")[..8]);
        _store = new SqliteGantryStore(Path.Combine(_folder, "gantry.db"));
        _store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        var userId = _store.CreateUserAsync("lister", isAdmin: false, CancellationToken.None).GetAwaiter().GetResult().Id;
        Seed(_store.DatabasePath, userId, 1000);
        _query = new JobListQuery { UserId = userId };
        _answer = new JobListAnswer(new CloudJobViews(Options.Create(new ApiOptions())));
        _json = new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        _json.TypeInfoResolverChain.Insert(0, GantryJsonContext.Default);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public Task<JobPage> StoreQueryOnly() => _store.ListJobsAsync(_query, CancellationToken.None);

    /// <summary>Records read, mapped to entries and serialized through the JSON context: the path before the list was streamed.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> RecordsThenSerializer()
    {
        var page = await _store.ListJobsAsync(_query, CancellationToken.None);
        var views = new CloudJobViews(Options.Create(new ApiOptions()));
        var entries = new JobEntry[page.Jobs.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = views.ToEntry(page.Jobs[i]);
        }

        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        JsonSerializer.Serialize(writer, new JobsListResponse(entries, new PaginationInfo(0, 100, page.Total, true)), _json);
        return _buffer.WrittenCount;
    }

    /// <summary>Rows streamed from the reader into the JSON writer: what the endpoint does now.</summary>
    [Benchmark]
    public async Task<int> RowsStreamedIntoWriter()
    {
        _buffer.ResetWrittenCount();
        await _answer.WriteAsync(_store, _query, _buffer, CancellationToken.None);
        return _buffer.WrittenCount;
    }

    private static void Seed(string databasePath, long userId, int count)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText =
            "INSERT INTO jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms, workflow_id, attempts, execution_start_ms, " +
            "execution_end_ms, execution_duration_ms, outputs_count, preview_output, output_types) " +
            "VALUES (@id, @user_id, @state, @at, @at, @at, @workflow_id, 1, @start, @end, @duration, 1, @preview, 1)";
        var random = new Random(7);
        for (var i = 0; i < count; i++)
        {
            var failed = random.Next(100) < 12;
            var at = 1_700_000_000_000L + (i * 1000L);
            var duration = random.Next(200, 60_000);
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("@id", Guid.CreateVersion7().ToByteArray(bigEndian: true));
            insert.Parameters.AddWithValue("@user_id", userId);
            insert.Parameters.AddWithValue("@state", (int)(failed ? JobState.Failed : JobState.Succeeded));
            insert.Parameters.AddWithValue("@at", at);
            insert.Parameters.AddWithValue("@workflow_id", "workflow-" + (i % 10));
            insert.Parameters.AddWithValue("@start", at + 10);
            insert.Parameters.AddWithValue("@end", at + 10 + duration);
            insert.Parameters.AddWithValue("@duration", duration);
            insert.Parameters.AddWithValue("@preview", failed ? DBNull.Value : Preview);
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
