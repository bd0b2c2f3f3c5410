using System.Net;
using System.Text.Json;
using Gantry.Store;
using Gantry.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Gantry.Tests.Hosting;

/// <summary>
/// A store that cannot be reached answers 503 with Retry-After and the usual error body, not an empty 500, and loses
/// nothing: the database refuses every connection (as when two busy instances used up PostgreSQL's max_connections),
/// then takes them again.
/// </summary>
public sealed class StoreOutageTests
{
    [Fact]
    public async Task While_PostgreSQL_refuses_connections_requests_get_503_and_afterwards_nothing_is_lost_or_half_written()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var ct = TestContext.Current.CancellationToken;
        await using var server = await GantryTestServer.StartAsync(StoreKind.Postgres);
        using var user = await server.CreateUserAsync();
        using var accepted = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), ct);
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        var database = server.Database!;

        // No new session may start, and the open ones (the pool's, the leader's) end.
        await database.ExecuteOnServerAsync($"ALTER DATABASE {database.DatabaseName} CONNECTION LIMIT 0", ct);
        await database.ExecuteOnServerAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database.DatabaseName}'", ct);
        try
        {
            using var list = await user.Client.GetAsync("api/jobs", ct);
            using var submit = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), ct);

            foreach (var response in new[] { list, submit })
            {
                response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                response.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromSeconds(1));
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                body.RootElement.GetProperty("code").GetString().ShouldBe("service_unavailable");
            }
        }
        finally
        {
            await database.ExecuteOnServerAsync($"ALTER DATABASE {database.DatabaseName} CONNECTION LIMIT -1", CancellationToken.None);
        }

        // Back: the job accepted before is there, the refused submit is not.
        var jobs = await ListOnceServingAsync(user.Client, ct);
        jobs.ShouldBe([JsonDocument.Parse(await accepted.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("prompt_id").GetString()]);
    }

    [Theory]
    [InlineData("53300", true)] // too many connections
    [InlineData("57P01", true)] // terminated by an administrator
    [InlineData("57P03", true)] // cannot connect now (starting up)
    [InlineData("08006", true)] // connection failure
    [InlineData("23505", false)] // a unique key: Gantry's own fault, not an outage
    [InlineData("42P01", false)] // a missing table
    public void PostgreSQL_errors_are_an_outage_only_when_the_server_cannot_serve(string sqlState, bool outage) =>
        StoreOutage.IsOutage(new PostgresException("message", "FATAL", "FATAL", sqlState)).ShouldBe(outage);

    [Theory]
    [InlineData(5, true)] // SQLITE_BUSY
    [InlineData(6, true)] // SQLITE_LOCKED
    [InlineData(19, false)] // SQLITE_CONSTRAINT
    [InlineData(11, false)] // SQLITE_CORRUPT: not something a retry fixes
    public void SQLite_errors_are_an_outage_only_when_busy_or_locked(int code, bool outage) =>
        StoreOutage.IsOutage(new SqliteException("message", code)).ShouldBe(outage);

    [Fact]
    public void An_outage_wrapped_in_another_exception_is_still_one_and_other_errors_are_not()
    {
        StoreOutage.IsOutage(new InvalidOperationException("wrapped", new NpgsqlException("pool", new TimeoutException()))).ShouldBeTrue();
        StoreOutage.IsOutage(new InvalidOperationException("a bug")).ShouldBeFalse();
        StoreOutage.IsOutage(null).ShouldBeFalse();
    }

    /// <summary>The ids of the user's jobs, once the server answers again: each failed request drops one dead pooled connection.</summary>
    private static async Task<string?[]> ListOnceServingAsync(HttpClient client, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TestTimeouts.Default);
        while (true)
        {
            using var response = await client.GetAsync("api/jobs", deadline.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline.Token));
                return [.. page.RootElement.GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("id").GetString())];
            }

            // A pooled connection the outage ended fails once more and leaves the pool; the next request opens a new one.
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }
    }
}
