using System.Net;
using Gantry.Tests.Api.V2;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Webhooks;

/// <summary>The outbox survives a restart: a delivery still pending when Gantry stops is sent by the next start.</summary>
public abstract class WebhookDurabilityTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task A_delivery_pending_at_shutdown_is_delivered_after_the_restart()
    {
        var settings = new Dictionary<string, string>(WebhookTests.Settings) { ["Gantry:Webhooks:RetryDelays:0"] = "00:00:03" };
        var server = await GantryTestServer.StartAsync(Kind, settings);
        await using var receiver = await WebhookReceiver.StartAsync();
        var user = await server.CreateUserAsync();
        using (var created = await user.Client.PostAsync("api/webhooks", TestWorkflows.Json($$"""{"url": "{{receiver.Url}}"}"""), TestContext.Current.CancellationToken))
        {
            receiver.Secret = (await created.ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("secret").GetString();
        }

        receiver.ThenAnswer(500);
        var id = await V2Requests.SubmitOkAsync(user.Client);
        await V2Requests.CancelAsync(user.Client, id);
        var refused = await receiver.NextAsync();
        (refused.Type, refused.AnsweredWith).ShouldBe(("job.canceled", 500));
        user.Dispose();

        // Stopped with the delivery pending; the next start (same database) sends it, same message id, still signed.
        await using var restarted = await server.RestartAsync(settings);
        var delivered = await receiver.NextAsync();
        (delivered.Id, delivered.Type, delivered.AnsweredWith, delivered.SignatureValid).ShouldBe((refused.Id, "job.canceled", 200, true));
    }
}

public sealed class WebhookDurabilitySqliteTests(SqliteServerFixture fixture) : WebhookDurabilityTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class WebhookDurabilityPostgresTests(PostgresServerFixture fixture) : WebhookDurabilityTests(fixture), IClassFixture<PostgresServerFixture>;
