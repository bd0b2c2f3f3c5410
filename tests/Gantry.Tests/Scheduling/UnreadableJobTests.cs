using System.Net;
using System.Text;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Scheduling;

/// <summary>
/// A job the dispatcher cannot process (stored before the edge refused such input, or written by another tool) fails
/// with a recorded error that history shows; it is never left waiting nor retried forever, restart after restart.
/// </summary>
public sealed class UnreadableJobTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(StoreKind.Sqlite, """{"1": {"class_type": "SaveImage", "inputs": {"filename_prefix": "\ud800x"}}}""")]
    [InlineData(StoreKind.Sqlite, """{"1\udc00": {"class_type": "PreviewAny", "inputs": {"source": "x"}}}""")]
    [InlineData(StoreKind.Postgres, """{"1": {"class_type": "SaveImage", "inputs": {"filename_prefix": "\ud800x"}}}""")]
    public async Task A_stored_job_whose_workflow_cannot_be_read_fails_with_its_reason_when_a_server_starts(StoreKind kind, string prompt)
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        // Without workers, the first server only keeps the store; the job is written beside the API, as an old
        // version of Gantry or another tool could have.
        var first = await GantryTestServer.StartAsync(kind);
        var user = await first.CreateUserAsync();
        user.Dispose();
        var id = Guid.NewGuid();
        await first.Store.InsertJobAsync(
            new NewJob
            {
                Id = id,
                UserId = user.User.Id,
                CreatedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                Payload = new JobPayload { PromptJson = Encoding.UTF8.GetBytes(prompt), OutputsToExecute = ["1"] },
            },
            Ct);

        await using var server = await first.RestartAsync(new Dictionary<string, string> { ["Gantry:Workers:Embedded"] = "1" });
        using var client = server.CreateClient(user.Key);
        var status = await JobWaiter.StatusAsync(server, client, id, "error");
        status.GetProperty("error_message").GetString().ShouldStartWith("The job's workflow cannot be read");

        using var history = await client.GetAsync($"history/{id}", Ct);
        var entry = (await history.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty(id.ToString("D"));
        entry.GetProperty("status").GetProperty("status_str").GetString().ShouldBe("error");
        entry.GetProperty("status").GetRawText().ShouldContain("cannot be read");

        using var queue = await client.GetAsync("api/queue", Ct);
        var queued = await queue.ShouldBeJsonAsync(HttpStatusCode.OK);
        queued.GetProperty("queue_pending").GetArrayLength().ShouldBe(0);
        queued.GetProperty("queue_running").GetArrayLength().ShouldBe(0);
        queued.ValueKind.ShouldBe(JsonValueKind.Object);
    }
}
