using System.Data.Common;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Store.Relational;
using Gantry.Tests.Store;
using Gantry.Webhooks;

namespace Gantry.Tests.Webhooks;

/// <summary>
/// The webhook outbox at the store: a job move that raises an event is committed together with its delivery rows (they
/// are there when the move returns, with no background work running), a move whose outbox write fails is not committed,
/// and claims hand each due delivery to one claimer only, a job's events one at a time in order.
/// </summary>
public abstract class WebhookOutboxContract(StoreBackend backend) : StoreTestBase(backend)
{
    private WebhookStore Webhooks => new((IRelationalDatabase)Store);

    [Fact]
    public async Task A_move_is_committed_with_one_delivery_per_subscribed_endpoint()
    {
        Relational.ChangeOutbox = new WebhookOutbox();
        var owner = await NewUserAsync();
        var stranger = await NewUserAsync();
        var admin = await NewUserAsync(isAdmin: true);
        var mine = await EndpointAsync(owner.Id, allUsers: false, WebhookEvents.All);
        var onlyEnds = await EndpointAsync(owner.Id, allUsers: false, [WebhookEvents.JobSucceeded]);
        var theirs = await EndpointAsync(stranger.Id, allUsers: false, WebhookEvents.All);
        var everyone = await EndpointAsync(admin.Id, allUsers: true, WebhookEvents.All);

        var job = await JobInStateAsync(owner.Id, JobState.Succeeded);

        (await EventsAsync(mine)).ShouldBe(["job.started", "job.succeeded"]);
        (await EventsAsync(onlyEnds)).ShouldBe(["job.succeeded"]);
        (await EventsAsync(everyone)).ShouldBe(["job.started", "job.succeeded"]);
        (await EventsAsync(theirs)).ShouldBeEmpty();

        var succeeded = (await Webhooks.ListDeliveriesAsync(mine, 10, Ct))[0];
        succeeded.JobId.ShouldBe(job.Id);
        succeeded.Status.ShouldBe(DeliveryStatus.Pending);
        using var payload = JsonDocument.Parse(succeeded.Payload);
        payload.RootElement.GetProperty("type").GetString().ShouldBe("job.succeeded");
        payload.RootElement.GetProperty("data").GetProperty("status").GetString().ShouldBe("succeeded");
    }

    [Fact]
    public async Task A_move_whose_outbox_write_fails_is_not_committed()
    {
        var owner = await NewUserAsync();
        var job = await JobInStateAsync(owner.Id, JobState.Dispatched);
        Relational.ChangeOutbox = new FailingOutbox();

        await Should.ThrowAsync<InvalidOperationException>(() => Store.TransitionAsync(
            new JobTransition { JobId = job.Id, To = JobState.Running, AtMs = job.StateChangedAtMs + 1 }, Ct));

        (await Store.GetJobAsync(job.Id, Ct))!.State.ShouldBe(JobState.Dispatched);
    }

    [Fact]
    public async Task A_due_delivery_is_claimed_once_and_a_jobs_events_go_one_at_a_time()
    {
        Relational.ChangeOutbox = new WebhookOutbox();
        var owner = await NewUserAsync();
        var endpoint = await EndpointAsync(owner.Id, allUsers: false, WebhookEvents.All);
        var first = await JobInStateAsync(owner.Id, JobState.Succeeded);
        var second = await JobInStateAsync(owner.Id, JobState.Succeeded);
        var now = long.MaxValue / 4;

        // Two claimers at once (two instances): each due delivery goes to one of them; only each job's first event is due.
        // (Other tests of the class share the database: only this endpoint's deliveries count.)
        var claims = await Task.WhenAll(
            Webhooks.ClaimDueAsync(now, now + 60_000, 100, Ct), Webhooks.ClaimDueAsync(now, now + 60_000, 100, Ct));
        var claimed = claims.SelectMany(c => c).Where(d => d.EndpointId == endpoint).ToList();
        claimed.Select(d => (d.JobId, d.Event)).Order().ShouldBe(new[] { (first.Id, "job.started"), (second.Id, "job.started") }.Order());

        // Leased: nobody else gets them; the next event of a job waits until its predecessor is recorded.
        (await Webhooks.ClaimDueAsync(now + 1, now + 60_000, 100, Ct)).Where(d => d.EndpointId == endpoint).ShouldBeEmpty();
        var started = claimed.Single(d => d.JobId == first.Id);
        await Webhooks.RecordAttemptAsync(started.Id, new DeliveryAttempt(true, 200, null, "ok"), DeliveryStatus.Delivered, now, now, Ct);
        var next = await Webhooks.ClaimDueAsync(now + 2, now + 60_000, 100, Ct);
        next.Where(d => d.EndpointId == endpoint).Select(d => (d.JobId, d.Event)).ShouldBe([(first.Id, "job.succeeded")]);
    }

    private async Task<Guid> EndpointAsync(long userId, bool allUsers, IReadOnlyList<string> events)
    {
        var endpoint = new WebhookEndpoint(Guid.NewGuid(), userId, allUsers, "https://hooks.example.com/" + userId, "whsec_AAAA", events, null, 1);
        (await Webhooks.CreateEndpointAsync(endpoint, 20, Ct)).ShouldBeTrue();
        return endpoint.Id;
    }

    private async Task<List<string>> EventsAsync(Guid endpoint) =>
        [.. (await Webhooks.ListDeliveriesAsync(endpoint, 10, Ct)).Reverse().Select(d => d.Event)];

    private sealed class FailingOutbox : IJobChangeOutbox
    {
        public Task AppendAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<JobRecord> moved, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The outbox write failed.");
    }
}

public sealed class SqliteWebhookOutboxTests(SqliteBackend backend) : WebhookOutboxContract(backend), IClassFixture<SqliteBackend>;

public sealed class PostgresWebhookOutboxTests(PostgresBackend backend) : WebhookOutboxContract(backend), IClassFixture<PostgresBackend>;
