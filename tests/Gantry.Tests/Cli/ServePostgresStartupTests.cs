using System.Net;
using Gantry.Tests.Infrastructure;
using Npgsql;

namespace Gantry.Tests.Cli;

/// <summary><c>gantry serve --store</c> with a database that does not exist yet: created when the role may, else one line saying how.</summary>
public sealed class ServePostgresStartupTests
{
    [Fact]
    public async Task A_missing_database_is_created_when_the_role_may()
    {
        var server = ServerOrSkip();
        var name = "gantry_new_" + Guid.NewGuid().ToString("N")[..12];
        var store = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        try
        {
            using var data = new TempDirectory();
            await using var gantry = await ServeProcess.StartAsync(["--data", data.Path, "--store", store]);
            var key = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin-key"), TestContext.Current.CancellationToken)).Trim();
            using var client = gantry.Client(key);
            using var response = await client.GetAsync("api/jobs", TestContext.Current.CancellationToken);
            await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        }
        finally
        {
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    [Fact]
    public async Task A_role_that_may_not_create_it_is_told_how_with_exit_5()
    {
        var server = ServerOrSkip();
        // scripts/start-postgres.sh makes this role: it may log in but not create databases.
        var store = new NpgsqlConnectionStringBuilder(server)
        {
            Database = "gantry_absent_" + Guid.NewGuid().ToString("N")[..12],
            Username = "gantry_nocreatedb",
            Password = "gantry",
        }.ConnectionString;
        using var data = new TempDirectory();
        var (code, stdout, stderr) = await GantryProcess.RunAsync(
            ["serve", "--urls", "http://127.0.0.1:0", "--data", data.Path, "--store", store],
            new Dictionary<string, string?> { ["GANTRY__WORKERS__EMBEDDED"] = "0" });
        code.ShouldBe(5, stdout + stderr);
        stderr.Trim().ShouldNotContain("\n");
        stderr.ShouldContain("role 'gantry_nocreatedb' may not create it");
        stderr.ShouldContain("CREATE DATABASE");
        stdout.ShouldNotContain("gk_");
    }

    private static string ServerOrSkip()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        return PostgresTestDatabase.ServerConnectionString!;
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
