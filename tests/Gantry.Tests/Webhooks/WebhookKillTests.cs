using System.Net;
using Gantry.Tests.Api.V2;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;

namespace Gantry.Tests.Webhooks;

/// <summary>
/// <c>gantry serve</c> (a real process, one embedded worker) killed with SIGKILL the moment its jobs are seen finished,
/// while its webhook receiver has refused every delivery so far (500): after a restart on the same data folder, or the
/// same PostgreSQL database, every event of every job is delivered, signed, in order per job, none lost. The deliveries
/// are outbox rows written with the job moves themselves, so nothing is waiting in memory when the process dies.
/// </summary>
public sealed class WebhookKillTests
{
    private const int Jobs = 4;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> Environment = new()
    {
        ["GANTRY__WEBHOOKS__ALLOWPRIVATEADDRESSES"] = "true",
        ["GANTRY__WEBHOOKS__RETRYDELAYS__0"] = "00:00:00.200",
        ["GANTRY__WEBHOOKS__TIMEOUT"] = "00:00:01",
        // A delivery claimed by the killed process is claimable again once its lease has run out.
        ["GANTRY__WEBHOOKS__LEASE"] = "00:00:02",
        ["GANTRY__WEBHOOKS__POLLINTERVAL"] = "00:00:00.100",
    };

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Every_event_is_delivered_in_order_after_a_kill_with_deliveries_pending(StoreKind kind)
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var database = kind == StoreKind.Postgres ? await PostgresTestDatabase.CreateAsync(Ct) : null;
        using var data = new TempDirectory("gantry-webhook-kill");
        string[] args = database is null
            ? ["--data", data.Path, "--no-auth", "--embedded-workers", "1"]
            : ["--data", data.Path, "--no-auth", "--embedded-workers", "1", "--store", database.ConnectionString];
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.DefaultStatus = 500;

        var jobs = new List<Guid>();
        await using (var first = await ServeProcess.StartAsync(args, Environment))
        {
            using var client = first.Client(apiKey: null);
            using (var created = await client.PostAsync("api/webhooks", TestWorkflows.Json($$"""{"url": "{{receiver.Url}}"}"""), Ct))
            {
                receiver.Secret = (await created.ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("secret").GetString();
            }

            for (var i = 0; i < Jobs; i++)
            {
                jobs.Add(await V2Requests.SubmitOkAsync(client, JobWaiter.PrimitivesWorkflow));
            }

            // Follow each job to its end (the v2 event stream ends after the terminal status), then kill at once.
            foreach (var id in jobs)
            {
                await using var events = await SseClient.OpenAsync(client, $"api/v2/jobs/{id}/events");
                var seen = await events.ReadUntilAsync(e => e.Status is "succeeded" or "failed" or "canceled");
                seen[^1].Status.ShouldBe("succeeded");
            }

            await first.Process.KillAsync();
        }

        var refusedBeforeKill = receiver.Requests;
        receiver.DefaultStatus = 200;
        await using var second = await ServeProcess.StartAsync(args, Environment);

        // Every (job, event) once answered 200; the receiver drains what the first process had sent (all refused).
        var delivered = new Dictionary<(string Job, string Type), WebhookReceiver.Received>();
        var order = new Dictionary<string, List<string>>();
        while (delivered.Count < Jobs * 2)
        {
            var received = await receiver.NextAsync();
            received.SignatureValid.ShouldBeTrue();
            if (received.AnsweredWith != 200)
            {
                continue;
            }

            delivered.TryAdd((received.JobId, received.Type), received).ShouldBeTrue($"{received.Type} of {received.JobId} was delivered twice");
            (order.TryGetValue(received.JobId, out var types) ? types : order[received.JobId] = []).Add(received.Type);
        }

        foreach (var id in jobs)
        {
            order[id.ToString("D")].ShouldBe(["job.started", "job.succeeded"], $"events of job {id} out of order");
        }

        // Each delivery keeps its message id across attempts and processes: ids are unique per (job, event).
        delivered.Values.Select(d => d.Id).Distinct().Count().ShouldBe(Jobs * 2);
        TestContext.Current.TestOutputHelper?.WriteLine($"{refusedBeforeKill} attempts refused before the kill");
    }
}
