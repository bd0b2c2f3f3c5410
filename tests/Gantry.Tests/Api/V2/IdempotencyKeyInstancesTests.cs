using System.Net;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.V2;

/// <summary>
/// <c>Idempotency-Key</c> across two Gantry instances on one PostgreSQL database: the same key sent to both at once
/// creates exactly one job, and a key used on one instance is refused on the other.
/// </summary>
public sealed class IdempotencyKeyInstancesTests
{
    [Fact]
    public async Task One_key_sent_to_two_instances_at_once_creates_exactly_one_job()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var first = await GantryTestServer.StartAsync(StoreKind.Postgres);
        await using var second = await first.StartSecondInstanceAsync();
        using var user = await first.CreateUserAsync();
        using var onSecond = second.CreateClient(user.Key);

        for (var round = 0; round < 5; round++)
        {
            var key = Guid.NewGuid().ToString();
            var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => V2Requests.SubmitAsync(i % 2 == 0 ? user.Client : onSecond, V2Requests.Body(), key)));
            results.Count(r => r.Status == HttpStatusCode.Created).ShouldBe(1);
            results.Where(r => r.Status != HttpStatusCode.Created)
                .ShouldAllBe(r => r.Status == HttpStatusCode.UnprocessableEntity && r.Body.GetProperty("error").GetProperty("code").GetString() == "idempotency_key_reuse");
        }

        (await first.Store.CountUserJobsInStatesAsync(user.User.Id, JobStateMachine.ActiveStates, CancellationToken.None)).ShouldBe(5);

        // Used on the first instance, refused on the second.
        var used = Guid.NewGuid().ToString();
        (await V2Requests.SubmitAsync(user.Client, V2Requests.Body(), used)).Status.ShouldBe(HttpStatusCode.Created);
        (await V2Requests.SubmitAsync(onSecond, V2Requests.Body(), used)).Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }
}
