using System.Net;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Security;

/// <summary>
/// The per-user queue cap through <c>POST /api/prompt</c> under concurrency: exact on SQLite, and exact across two
/// instances sharing one PostgreSQL database.
/// </summary>
public sealed class QueueCapEndToEndTests
{
    private const int Cap = 100;
    private const int Submitters = 150;

    private static readonly Dictionary<string, string> Settings = new() { ["Gantry:Limits:MaxQueuedPerUser"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public async Task One_hundred_fifty_concurrent_submitters_at_a_cap_of_one_hundred_get_exactly_one_hundred_accepted()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, Settings);
        using var user = await server.CreateUserAsync();

        var statuses = await SubmitConcurrentlyAsync(Enumerable.Repeat(user.Client, Submitters).ToArray());

        statuses.Count(s => s == HttpStatusCode.OK).ShouldBe(Cap);
        statuses.Count(s => s == HttpStatusCode.TooManyRequests).ShouldBe(Submitters - Cap);
    }

    [Fact]
    public async Task Two_instances_on_one_PostgreSQL_database_together_accept_exactly_the_cap()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var first = await GantryTestServer.StartAsync(StoreKind.Postgres, Settings);
        await using var second = await first.StartSecondInstanceAsync(Settings);
        using var user = await first.CreateUserAsync();
        using var viaSecond = second.CreateClient(user.Key);

        var statuses = await SubmitConcurrentlyAsync([.. Enumerable.Range(0, Submitters).Select(i => i % 2 == 0 ? user.Client : viaSecond)]);

        statuses.Count(s => s == HttpStatusCode.OK).ShouldBe(Cap);
        statuses.Count(s => s == HttpStatusCode.TooManyRequests).ShouldBe(Submitters - Cap);
    }

    private static async Task<HttpStatusCode[]> SubmitConcurrentlyAsync(HttpClient[] clients)
    {
        using var start = new ManualResetEventSlim();
        var submits = clients.Select(client => Task.Run(async () =>
        {
            start.Wait(TestContext.Current.CancellationToken);
            using var response = await client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter.ShouldNotBeNull();
            }

            return response.StatusCode;
        })).ToArray();
        start.Set();
        return await Task.WhenAll(submits);
    }
}
