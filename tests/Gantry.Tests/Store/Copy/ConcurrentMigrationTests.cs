using Gantry.Store.Postgres;
using Npgsql;

namespace Gantry.Tests.Store.Copy;

/// <summary>Several stores starting at once on a fresh PostgreSQL database: the migration runs once, under its advisory lock.</summary>
public sealed class ConcurrentMigrationTests
{
    [Fact]
    public async Task Stores_starting_together_on_a_fresh_database_migrate_it_once()
    {
        await using var database = await StoreCopyCommandTests.CreateDatabaseOrSkipAsync();
        // Separate stores, separate connection pools: as separate processes would, each opens its own session.
        var stores = Enumerable.Range(0, 6).Select(_ => new PostgresGantryStore(database.ConnectionString)).ToList();
        try
        {
            using var start = new SemaphoreSlim(0);
            var starts = stores.Select(async store =>
            {
                await start.WaitAsync(TestContext.Current.CancellationToken);
                await store.InitializeAsync(TestContext.Current.CancellationToken);
            }).ToList();
            start.Release(stores.Count);
            await Task.WhenAll(starts);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT version), max(version) FROM schema_version", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        (await reader.ReadAsync(TestContext.Current.CancellationToken)).ShouldBeTrue();
        reader.GetInt64(0).ShouldBe(PostgresGantryStore.LatestSchemaVersion);
        reader.GetInt64(1).ShouldBe(PostgresGantryStore.LatestSchemaVersion);
        reader.GetInt32(2).ShouldBe(PostgresGantryStore.LatestSchemaVersion);
    }
}
