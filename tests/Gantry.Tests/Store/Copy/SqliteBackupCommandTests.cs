using Gantry.Store;
using Gantry.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Gantry.Tests.Store.Copy;

/// <summary><c>gantry store backup</c>: a consistent copy of a SQLite store that is being written meanwhile.</summary>
public sealed class SqliteBackupCommandTests
{
    [Fact]
    public async Task The_backup_holds_every_committed_row_and_nothing_of_an_open_transaction()
    {
        using var data = new TempDirectory();
        await ExistingStore.CreateAsync(data.Path);
        var database = Path.Combine(data.Path, GantryStoreFactory.SqliteFileName);
        await SqliteSeed.FillAsync(database, 20);

        // A writer is in the middle of a transaction while the backup runs (WAL: the backup reads the last commit).
        await using var writer = new SqliteConnection($"Data Source={database};Pooling=False");
        await writer.OpenAsync(TestContext.Current.CancellationToken);
        await using var open = writer.BeginTransaction();
        await using (var insert = writer.CreateCommand())
        {
            insert.Transaction = open;
            insert.CommandText = "INSERT INTO users (name, is_admin, created_at_ms) VALUES ('half-written', 0, 1)";
            await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var backup = Path.Combine(data.Path, "backup.db");
        var (code, stdout, stderr) = await GantryProcess.RunAsync(["store", "backup", "--data", data.Path, "--to", backup]);
        code.ShouldBe(0, stdout + stderr);
        await open.RollbackAsync(TestContext.Current.CancellationToken);

        await using var restored = new Gantry.Store.Sqlite.SqliteGantryStore(backup);
        await restored.InitializeAsync(TestContext.Current.CancellationToken);
        var users = await restored.ListUsersAsync(TestContext.Current.CancellationToken);
        users.Select(u => u.Name).Order().ShouldBe(["alice", "bob"]);
        var counts = await new Gantry.Store.Relational.RelationalJobStatistics(restored).CountByStateAsync(TestContext.Current.CancellationToken);
        counts.Values.Sum().ShouldBe(20);

        var again = await GantryProcess.RunAsync(["store", "backup", "--data", data.Path, "--to", backup]);
        again.ExitCode.ShouldBe(2);
        again.Stderr.ShouldContain("exists already");
    }
}
