using System.Text.RegularExpressions;
using Gantry.Store;
using Gantry.Store.Copy;
using Gantry.Store.Postgres;
using Gantry.Tests.Infrastructure;
using Npgsql;

namespace Gantry.Tests.Store.Copy;

/// <summary><c>gantry store copy</c> as a real process, from a SQLite data folder into a real PostgreSQL database.</summary>
public sealed partial class StoreCopyCommandTests
{
    private const int Jobs = 240;

    [Fact]
    public async Task An_interrupted_copy_resumes_and_every_table_is_copied_and_verified()
    {
        await using var target = await CreateDatabaseOrSkipAsync();
        using var data = new TempDirectory();
        await ExistingStore.CreateAsync(data.Path);
        var sqlite = Path.Combine(data.Path, GantryStoreFactory.SqliteFileName);
        var ids = await SqliteSeed.FillAsync(sqlite, Jobs);

        // The target's schema exists, still empty; a SHARE lock on job_payloads lets the copy check that the table is empty
        // but holds its first write there, after users, keys and jobs are in.
        await using (var schema = new PostgresGantryStore(target.ConnectionString))
        {
            await schema.InitializeAsync(TestContext.Current.CancellationToken);
        }

        await using (var blocker = new NpgsqlConnection(target.ConnectionString))
        {
            await blocker.OpenAsync(TestContext.Current.CancellationToken);
            await using var hold = await blocker.BeginTransactionAsync(TestContext.Current.CancellationToken);
            await ExecuteAsync(blocker, "LOCK TABLE job_payloads IN SHARE MODE", hold);
            await using var first = GantryProcess.Start(["store", "copy", "--data", data.Path, "--to", target.ConnectionString, "--batch-size", "50"]);
            await first.WaitForLineAsync($"jobs: copied {Jobs} rows");
            await first.KillAsync();
            await hold.RollbackAsync(TestContext.Current.CancellationToken);
        }

        (await ScalarAsync(target, "SELECT count(*) FROM job_payloads")).ShouldBe(0L);
        (await ScalarAsync(target, "SELECT finished FROM gantry_store_copy WHERE table_name = 'jobs'")).ShouldBe(true);

        var (code, stdout, stderr) = await GantryProcess.RunAsync(["store", "copy", "--data", data.Path, "--to", target.ConnectionString, "--batch-size", "50"]);
        code.ShouldBe(0, stdout + stderr);
        stdout.ShouldContain($"jobs: copied before ({Jobs} rows)");
        stdout.ShouldContain($"job_payloads: copied {Jobs} rows");

        var report = ParseReport(stdout);
        var expected = (await SqliteSeed.TablesAsync(sqlite)).Where(t => !CopyPlan.NotCopied.ContainsKey(t)).ToList();
        report.Keys.Order().ShouldBe(expected.Order(), "every table of the SQLite schema is copied and verified");
        foreach (var (table, (sourceRows, targetRows, ok)) in report)
        {
            sourceRows.ShouldBeGreaterThan(0, $"SqliteSeed puts no rows in '{table}': add some, so the copy of that table is tested");
            targetRows.ShouldBe(sourceRows, table);
            ok.ShouldBeTrue(table);
            (await ScalarAsync(target, $"SELECT count(*) FROM {table}")).ShouldBe(sourceRows, table);
        }

        // Running it again copies nothing and verifies again.
        var again = await GantryProcess.RunAsync(["store", "copy", "--data", data.Path, "--to", target.ConnectionString]);
        again.ExitCode.ShouldBe(0, again.Stdout + again.Stderr);
        again.Stdout.ShouldContain($"Copied and verified {expected.Count} tables.");
        again.Stdout.ShouldNotContain(": copied " + Jobs);

        // The PostgreSQL store reads the copied jobs, and new ids come after every copied (and deleted) one.
        await using var store = new PostgresGantryStore(target.ConnectionString);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var job = await store.GetJobAsync(ids[7], TestContext.Current.CancellationToken);
        job.ShouldNotBeNull();
        job.UserId.ShouldBe(2L);
        (await store.GetPayloadAsync(ids[7], TestContext.Current.CancellationToken)).ShouldNotBeNull();
        (await store.CreateUserAsync("carol", isAdmin: false, TestContext.Current.CancellationToken)).Id.ShouldBe(3L);
        var nextSeq = await ScalarAsync(target, "INSERT INTO jobs (id, user_id, state, created_at_ms, updated_at_ms, state_changed_at_ms) VALUES (gen_random_uuid(), 1, 0, 1, 1, 1) RETURNING seq");
        nextSeq.ShouldBe((long)Jobs + 2, "the deleted newest SQLite job's seq is not handed out again");
    }

    [Fact]
    public async Task A_target_with_data_of_its_own_or_a_copy_of_another_store_is_refused()
    {
        await using var target = await CreateDatabaseOrSkipAsync();
        using var first = new TempDirectory();
        await ExistingStore.CreateAsync(first.Path);
        await SqliteSeed.FillAsync(Path.Combine(first.Path, GantryStoreFactory.SqliteFileName), 3);

        await using (var store = new PostgresGantryStore(target.ConnectionString))
        {
            await store.InitializeAsync(TestContext.Current.CancellationToken);
            await store.CreateUserAsync("admin", isAdmin: true, TestContext.Current.CancellationToken);
        }

        var refused = await GantryProcess.RunAsync(["store", "copy", "--data", first.Path, "--to", target.ConnectionString]);
        refused.ExitCode.ShouldBe(2, refused.Stdout + refused.Stderr);
        refused.Stderr.ShouldContain("'users' already has rows");
        (await ScalarAsync(target, "SELECT to_regclass('gantry_store_copy') IS NULL")).ShouldBe(true, "a refused copy leaves no claim behind");
        (await ScalarAsync(target, "SELECT count(*) FROM jobs")).ShouldBe(0L);

        await ExecuteAsync(target, "DELETE FROM users");
        (await GantryProcess.RunAsync(["store", "copy", "--data", first.Path, "--to", target.ConnectionString])).ExitCode.ShouldBe(0);

        // Another SQLite store (created at another moment) into the same target.
        using var second = new TempDirectory();
        await ExistingStore.CreateAsync(second.Path);
        var other = await GantryProcess.RunAsync(["store", "copy", "--data", second.Path, "--to", target.ConnectionString]);
        other.ExitCode.ShouldBe(2, other.Stdout + other.Stderr);
        other.Stderr.ShouldContain("copy of another SQLite store");
    }

    [Theory]
    [InlineData("--batch-size", "0")]
    [InlineData("--batch-size", "100001")]
    [InlineData("--to", "Host=;;==")]
    public async Task Bad_options_are_usage_errors(string option, string value)
    {
        using var data = new TempDirectory();
        await ExistingStore.CreateAsync(data.Path);
        string[] args = option == "--to"
            ? ["store", "copy", "--data", data.Path, "--to", value]
            : ["store", "copy", "--data", data.Path, "--to", "Host=127.0.0.1;Database=nothing", option, value];
        var (code, _, stderr) = await GantryProcess.RunAsync(args);
        code.ShouldBe(2);
        stderr.ShouldContain("--");
    }

    [Fact]
    public async Task A_folder_without_a_store_is_a_usage_error()
    {
        using var data = new TempDirectory();
        var (code, _, stderr) = await GantryProcess.RunAsync(["store", "copy", "--data", data.Path, "--to", "Host=127.0.0.1;Database=nothing"]);
        code.ShouldBe(2);
        stderr.ShouldContain("No SQLite store at");
        File.Exists(Path.Combine(data.Path, GantryStoreFactory.SqliteFileName)).ShouldBeFalse();
    }

    private static Dictionary<string, (long SourceRows, long TargetRows, bool Ok)> ParseReport(string stdout)
    {
        var rows = new Dictionary<string, (long, long, bool)>(StringComparer.Ordinal);
        foreach (Match match in ReportLine().Matches(stdout))
        {
            rows[match.Groups[1].Value] = (long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
                long.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[6].Value == "yes");
        }

        return rows;
    }

    [GeneratedRegex(@"^(\w+)\s+(\d+)\s+(\d+)\s+([0-9a-f]{16})\s+([0-9a-f]{16})\s+(yes|NO)\s*$", RegexOptions.Multiline)]
    private static partial Regex ReportLine();

    internal static async Task<PostgresTestDatabase> CreateDatabaseOrSkipAsync()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        return await PostgresTestDatabase.CreateAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<object?> ScalarAsync(PostgresTestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    private static async Task ExecuteAsync(PostgresTestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await ExecuteAsync(connection, sql, null);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
