using System.Net;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.V2;

/// <summary><c>Idempotency-Key</c> on <c>POST /api/v2/jobs</c>: single use, reject on duplicate, per user, across restarts.</summary>
public abstract class IdempotencyKeyTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task A_key_is_used_once_then_refused_with_idempotency_key_reuse_even_with_another_body()
    {
        using var user = await Server.CreateUserAsync();
        var key = Guid.NewGuid().ToString();
        (await V2Requests.SubmitAsync(user.Client, V2Requests.Body(), key)).Status.ShouldBe(HttpStatusCode.Created);

        var (again, error) = await V2Requests.SubmitAsync(user.Client, V2Requests.Body(), key);
        again.ShouldBe(HttpStatusCode.UnprocessableEntity);
        error.GetProperty("error").GetProperty("code").GetString().ShouldBe("idempotency_key_reuse");
        (await V2Requests.SubmitAsync(user.Client, V2Requests.Body(TestWorkflows.Simple.Replace("test", "other", StringComparison.Ordinal)), key)).Status
            .ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await CountAsync(user)).ShouldBe(1);

        // Keys are per user: another user's identical key is theirs.
        using var other = await Server.CreateUserAsync();
        (await V2Requests.SubmitAsync(other.Client, V2Requests.Body(), key)).Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Concurrent_submits_with_one_key_create_exactly_one_job()
    {
        using var user = await Server.CreateUserAsync();
        var key = Guid.NewGuid().ToString();
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => V2Requests.SubmitAsync(user.Client, V2Requests.Body(), key)));
        results.Count(r => r.Status == HttpStatusCode.Created).ShouldBe(1);
        results.Count(r => r.Status == HttpStatusCode.UnprocessableEntity).ShouldBe(23);
        (await CountAsync(user)).ShouldBe(1);
    }

    [Fact]
    public async Task A_refused_submit_releases_its_key_so_a_corrected_retry_goes_through()
    {
        using var user = await Server.CreateUserAsync();
        var key = Guid.NewGuid().ToString();
        (await V2Requests.SubmitAsync(user.Client, V2Requests.Body("""{"1": {"inputs": {}}}"""), key)).Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await V2Requests.SubmitAsync(user.Client, V2Requests.Body(), key)).Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_queue_full_refusal_releases_the_key()
    {
        using var user = await Server.CreateUserAsync();
        await Server.Store.UpdateUserLimitsAsync(user.User.Id, null, null, 1, CancellationToken.None);
        await V2Requests.SubmitOkAsync(user.Client);
        var key = Guid.NewGuid().ToString();
        (await V2Requests.SubmitAsync(user.Client, V2Requests.Body(), key)).Status.ShouldBe(HttpStatusCode.TooManyRequests);
        await Server.Store.UpdateUserLimitsAsync(user.User.Id, null, null, 5, CancellationToken.None);
        (await V2Requests.SubmitAsync(user.Client, V2Requests.Body(), key)).Status.ShouldBe(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(0)]
    public async Task A_key_out_of_bounds_is_refused(int length)
    {
        using var user = await Server.CreateUserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/jobs") { Content = TestWorkflows.Json(V2Requests.Body()) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', length));
        using var response = await user.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var error = await V2Requests.Conformant(response, "/api/v2/jobs", "post");
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        error.GetProperty("error").GetProperty("code").GetString().ShouldBe("invalid_request");
        (await CountAsync(user)).ShouldBe(0);

        using var atBound = new HttpRequestMessage(HttpMethod.Post, "api/v2/jobs") { Content = TestWorkflows.Json(V2Requests.Body()) };
        atBound.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 255));
        using var ok = await user.Client.SendAsync(atBound, TestContext.Current.CancellationToken);
        ok.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_used_key_stays_used_after_a_restart()
    {
        var server = await GantryTestServer.StartAsync(Kind);
        var user = await server.CreateUserAsync();
        var key = Guid.NewGuid().ToString();
        (await V2Requests.SubmitAsync(user.Client, V2Requests.Body(), key)).Status.ShouldBe(HttpStatusCode.Created);
        user.Dispose();

        await using var restarted = await server.RestartAsync();
        using var client = restarted.CreateClient(user.Key);
        var (status, error) = await V2Requests.SubmitAsync(client, V2Requests.Body(), key);
        status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        error.GetProperty("error").GetProperty("code").GetString().ShouldBe("idempotency_key_reuse");
    }

    private Task<int> CountAsync(TestUser user)
        => Server.Store.CountUserJobsInStatesAsync(user.User.Id, JobStateMachine.ActiveStates, CancellationToken.None);
}

public sealed class IdempotencyKeySqliteTests(SqliteServerFixture fixture) : IdempotencyKeyTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class IdempotencyKeyPostgresTests(PostgresServerFixture fixture) : IdempotencyKeyTests(fixture), IClassFixture<PostgresServerFixture>;
