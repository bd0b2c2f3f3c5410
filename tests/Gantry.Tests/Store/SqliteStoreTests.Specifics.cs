using Gantry.Store;
using Gantry.Store.Postgres;
using Gantry.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Gantry.Tests.Store;

/// <summary>What only the SQLite backend promises: the file, WAL mode, and the factory's choice of backend.</summary>
public sealed class SqliteStoreSpecificTests(SqliteBackend backend) : IClassFixture<SqliteBackend>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_database_file_is_created_with_its_folder_and_in_WAL_mode()
    {
        var path = Path.Combine(backend.Folder, "nested", Guid.NewGuid().ToString("N"), "gantry.db");
        await using (var store = new SqliteGantryStore(path))
        {
            await store.InitializeAsync(Ct);
            await store.CreateUserAsync("wal", isAdmin: false, Ct);
            File.Exists(path).ShouldBeTrue();
            (await store.GetSchemaVersionAsync(Ct)).ShouldBe(SqliteGantryStore.LatestSchemaVersion);
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        command.ExecuteScalar().ShouldBe("wal");
    }

    [Fact]
    public async Task A_store_used_before_InitializeAsync_says_so()
    {
        await using var store = new SqliteGantryStore(Path.Combine(backend.Folder, "never-opened.db"));

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => store.GetUserAsync(1, Ct));

        refused.Message.ShouldContain("InitializeAsync");
    }

    [Fact]
    public async Task A_database_from_a_newer_build_is_refused()
    {
        var path = Path.Combine(backend.Folder, $"newer-{Guid.NewGuid():N}.db");
        await using (var store = new SqliteGantryStore(path))
        {
            await store.InitializeAsync(Ct);
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version, name, applied_at_ms) VALUES (999, 'from the future', 0)";
            command.ExecuteNonQuery();
        }

        await using var older = new SqliteGantryStore(path);
        (await Should.ThrowAsync<InvalidOperationException>(() => older.InitializeAsync(Ct))).Message.ShouldContain("999");
    }

    [Fact]
    public async Task The_factory_picks_SQLite_in_the_data_folder_without_a_connection_string()
    {
        await using var store = GantryStoreFactory.Create(postgresConnectionString: null, backend.Folder);

        var sqlite = store.ShouldBeOfType<SqliteGantryStore>();
        sqlite.Kind.ShouldBe("sqlite");
        sqlite.DatabasePath.ShouldBe(Path.Combine(Path.GetFullPath(backend.Folder), "gantry.db"));
    }

    [Fact]
    public async Task The_factory_picks_PostgreSQL_when_given_a_connection_string()
    {
        await using var store = GantryStoreFactory.Create("Host=127.0.0.1;Username=nobody;Database=nowhere", backend.Folder);

        store.ShouldBeOfType<PostgresGantryStore>().Kind.ShouldBe("postgres");
    }
}
