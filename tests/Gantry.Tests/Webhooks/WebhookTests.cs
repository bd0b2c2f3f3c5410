using System.Net;
using System.Text.Json;
using Gantry.Tests.Api.V2;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;

namespace Gantry.Tests.Webhooks;

/// <summary>Webhooks end to end: register, run jobs on the embedded engine, receive signed events in order, retries, durability.</summary>
public abstract class WebhookTests(EmbeddedServerFixture fixture) : ServerTestBase(fixture)
{
    public static readonly Dictionary<string, string> Settings = new()
    {
        ["Gantry:Webhooks:AllowPrivateAddresses"] = "true",
        ["Gantry:Webhooks:RetryDelays:0"] = "00:00:00.050",
        ["Gantry:Webhooks:Timeout"] = "00:00:01",
        ["Gantry:Webhooks:Lease"] = "00:00:02",
        ["Gantry:Webhooks:PollInterval"] = "00:00:00.100",
    };

    [Fact]
    public async Task A_job_sends_started_then_succeeded_signed_and_the_deliveries_are_listed()
    {
        using var user = await Server.CreateUserAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = await RegisterAsync(user.Client, receiver);
        hook.GetProperty("secret").GetString()!.ShouldStartWith("whsec_");
        Convert.FromBase64String(hook.GetProperty("secret").GetString()!["whsec_".Length..]).Length.ShouldBe(32);

        var id = await V2Requests.SubmitOkAsync(user.Client, JobWaiter.PrimitivesWorkflow);
        var started = await receiver.NextAsync();
        var succeeded = await receiver.NextAsync();
        (started.Type, succeeded.Type).ShouldBe(("job.started", "job.succeeded"));
        started.JobId.ShouldBe(id.ToString("D"));
        succeeded.Json.GetProperty("data").GetProperty("status").GetString().ShouldBe("succeeded");
        started.SignatureValid.ShouldBeTrue();
        succeeded.SignatureValid.ShouldBeTrue();
        long.Parse(succeeded.Timestamp, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);

        var deliveries = await DeliveriesAsync(user.Client, hook);
        deliveries.Count.ShouldBe(2);
        // job.succeeded was sent only once job.started was recorded (per-job order): that record is final by now.
        var startedRow = deliveries.Single(d => d.GetProperty("event").GetString() == "job.started");
        startedRow.GetProperty("status").GetString().ShouldBe("delivered");
        startedRow.GetProperty("last_status_code").GetInt32().ShouldBe(200);
        startedRow.GetProperty("attempts").GetInt32().ShouldBe(1);

        // GET shows no secret; another user sees no such endpoint.
        using var get = await user.Client.GetAsync($"api/webhooks/{hook.GetProperty("id").GetString()}", TestContext.Current.CancellationToken);
        (await get.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("secret").ValueKind.ShouldBe(JsonValueKind.Null);
        using var stranger = await Server.CreateUserAsync();
        using var theirs = await stranger.Client.GetAsync($"api/webhooks/{hook.GetProperty("id").GetString()}", TestContext.Current.CancellationToken);
        theirs.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_500_and_a_time_out_are_retried_until_delivered_and_events_of_a_job_stay_in_order()
    {
        using var user = await Server.CreateUserAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = await RegisterAsync(user.Client, receiver);
        receiver.ThenAnswer(500);
        receiver.ThenHang();

        await V2Requests.SubmitOkAsync(user.Client, JobWaiter.PrimitivesWorkflow);
        var first = await receiver.NextAsync();
        first.AnsweredWith.ShouldBe(500);
        first.Type.ShouldBe("job.started");
        var retried = await receiver.NextAsync();
        (retried.Type, retried.AnsweredWith, retried.Id).ShouldBe(("job.started", 200, first.Id));
        var last = await receiver.NextAsync();
        (last.Type, last.AnsweredWith).ShouldBe(("job.succeeded", 200));
        receiver.Requests.ShouldBe(4);

        var deliveries = await DeliveriesAsync(user.Client, hook);
        var started = deliveries.Single(d => d.GetProperty("event").GetString() == "job.started");
        started.GetProperty("attempts").GetInt32().ShouldBe(3);
        started.GetProperty("status").GetString().ShouldBe("delivered");

        // Redeliver on demand: the same message id again.
        using var redeliver = await user.Client.PostAsync(
            $"api/webhooks/{hook.GetProperty("id").GetString()}/deliveries/{started.GetProperty("id").GetString()}/redeliver", null, TestContext.Current.CancellationToken);
        redeliver.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await receiver.NextAsync()).Id.ShouldBe(first.Id);
    }

    [Fact]
    public async Task Endpoints_are_checked_when_registered()
    {
        using var user = await Server.CreateUserAsync();
        foreach (var body in new[]
        {
            """{"url": "ftp://example.com/hook"}""", """{"url": "https://user:pw@example.com/hook"}""", """{"url": "https://example.com/hook", "events": ["job.exploded"]}""",
            """{"url": "https://example.com/hook", "all_users": true}""", """{"events": []}""", $$"""{"url": "https://example.com/{{new string('a', 2048)}}"}""",
        })
        {
            using var response = await user.Client.PostAsync("api/webhooks", TestWorkflows.Json(body), TestContext.Current.CancellationToken);
            await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_request");
        }

        using var list = await user.Client.GetAsync("api/webhooks", TestContext.Current.CancellationToken);
        (await list.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("webhooks").GetArrayLength().ShouldBe(0);
    }

    private static async Task<JsonElement> RegisterAsync(HttpClient client, WebhookReceiver receiver)
    {
        using var response = await client.PostAsync("api/webhooks", TestWorkflows.Json($$"""{"url": "{{receiver.Url}}", "description": "test"}"""), TestContext.Current.CancellationToken);
        var hook = await response.ShouldBeJsonAsync(HttpStatusCode.Created);
        receiver.Secret = hook.GetProperty("secret").GetString();
        return hook;
    }

    private static async Task<List<JsonElement>> DeliveriesAsync(HttpClient client, JsonElement hook)
    {
        using var response = await client.GetAsync($"api/webhooks/{hook.GetProperty("id").GetString()}/deliveries", TestContext.Current.CancellationToken);
        return [.. (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("deliveries").EnumerateArray()];
    }
}

public sealed class WebhookSqliteFixture() : EmbeddedServerFixture(StoreKind.Sqlite, WebhookTests.Settings);

public sealed class WebhookPostgresFixture() : EmbeddedServerFixture(StoreKind.Postgres, WebhookTests.Settings);

public sealed class WebhookSqliteTests(WebhookSqliteFixture fixture) : WebhookTests(fixture), IClassFixture<WebhookSqliteFixture>;

public sealed class WebhookPostgresTests(WebhookPostgresFixture fixture) : WebhookTests(fixture), IClassFixture<WebhookPostgresFixture>;
