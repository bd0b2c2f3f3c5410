using System.Net;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Gantry.Tests.Workers;

namespace Gantry.Tests.Api.V2;

/// <summary><c>GET /api/v2/jobs/{id}/events</c> on a server that runs jobs: snapshot, live events, the end, reconnects.</summary>
public abstract class V2EventsTests(EmbeddedServerFixture fixture) : ServerTestBase(fixture)
{
    [Fact]
    public async Task A_client_follows_a_job_to_its_end_reconnects_midway_and_is_resynced_by_the_snapshot()
    {
        using var user = await Server.CreateUserAsync();
        var gateName = $"sse-{Guid.NewGuid():N}";
        var gate = TestGate.Named(gateName);
        var id = await V2Requests.SubmitOkAsync(user.Client, EngineTestNodes.GateGraph(gateName));

        await using (var first = await SseClient.OpenAsync(user.Client, $"api/v2/jobs/{id:D}/events"))
        {
            first.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
            first.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
            first.Response.Headers.GetValues("X-Accel-Buffering").ShouldBe(["no"]);
            first.Response.Headers.CacheControl!.NoCache.ShouldBeTrue();

            var seen = await first.ReadUntilAsync(e => e.Status == "running");
            seen[0].Name.ShouldBe("status");
            seen.ForEach(Conform);
            await gate.WaitReachedAsync();
        }

        // Mid-way: a new connection (Last-Event-ID or not: events have no ids) starts with the whole current state.
        await using var second = await SseClient.OpenAsync(user.Client, $"api/v2/jobs/{id:D}/events", lastEventId: "anything");
        var snapshot = await second.NextAsync();
        snapshot.ShouldNotBeNull().Status.ShouldBe("running");
        snapshot.Id.ShouldBeNull();
        var progress = await second.NextAsync();
        progress.ShouldNotBeNull().Name.ShouldBe("progress");
        Conform(progress);
        progress.Data.GetProperty("nodes_total").GetInt32().ShouldBe(1);
        progress.Data.GetProperty("current_node").GetString().ShouldBe("1");
        progress.Data.GetProperty("current_node_class").GetString().ShouldBe("TestGate");

        gate.Open();
        var rest = await second.ReadUntilAsync(e => e.Status == "succeeded");
        rest.ForEach(Conform);
        (await second.NextAsync()).ShouldBeNull("the stream ends after the terminal status");

        // A job already finished: the snapshot is its terminal status, and the stream ends at once.
        await using var late = await SseClient.OpenAsync(user.Client, $"api/v2/jobs/{id:D}/events");
        (await late.NextAsync()).ShouldNotBeNull().Status.ShouldBe("succeeded");
        (await late.NextAsync()).ShouldBeNull();

        var job = await V2Requests.GetJobOkAsync(user.Client, id);
        job.GetProperty("progress").GetProperty("value").GetDouble().ShouldBe(1);
    }

    [Fact]
    public async Task Previews_and_outputs_reach_the_client_and_the_outputs_are_fetchable()
    {
        using var user = await Server.CreateUserAsync();
        var id = await V2Requests.SubmitOkAsync(user.Client, EngineTestNodes.PreviewGraph);
        await using (var stream = await SseClient.OpenAsync(user.Client, $"api/v2/jobs/{id:D}/events"))
        {
            var seen = await stream.ReadUntilAsync(e => e.Status is "succeeded" or "failed");
            seen.ForEach(Conform);
            seen[^1].Status.ShouldBe("succeeded");
        }

        var saved = await V2Requests.SubmitOkAsync(user.Client, EngineTestNodes.SaveTextGraph("hello v2"));
        await using (var stream = await SseClient.OpenAsync(user.Client, $"api/v2/jobs/{saved:D}/events"))
        {
            (await stream.ReadUntilAsync(e => e.Status is "succeeded" or "failed"))[^1].Status.ShouldBe("succeeded");
        }

        var job = await V2Requests.GetJobOkAsync(user.Client, saved);
        var output = job.GetProperty("outputs").EnumerateArray().ShouldHaveSingleItem();
        output.GetProperty("node_id").GetString().ShouldBe("1");
        output.GetProperty("type").GetString().ShouldBe("text");
        using var download = await user.Client.GetAsync(output.GetProperty("url").GetString(), TestContext.Current.CancellationToken);
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await download.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe("hello v2");
        output.GetProperty("size_bytes").GetInt64().ShouldBe(8);
    }

    [Fact]
    public async Task Cancel_through_v2_ends_a_running_job_and_the_stream_says_canceled()
    {
        using var user = await Server.CreateUserAsync();
        var gateName = $"sse-cancel-{Guid.NewGuid():N}";
        var id = await V2Requests.SubmitOkAsync(user.Client, EngineTestNodes.GateGraph(gateName));
        await using var stream = await SseClient.OpenAsync(user.Client, $"api/v2/jobs/{id:D}/events");
        await stream.ReadUntilAsync(e => e.Status == "running");
        await TestGate.Named(gateName).WaitReachedAsync();

        var (status, job) = await V2Requests.CancelAsync(user.Client, id);
        status.ShouldBe(HttpStatusCode.OK);
        job.GetProperty("status").GetString().ShouldBeOneOf("canceling", "canceled");
        var seen = await stream.ReadUntilAsync(e => e.Status == "canceled");
        seen.ForEach(Conform);
        await JobWaiter.StatusAsync(Server, user.Client, id, "cancelled");
    }

    [Fact]
    public async Task Streams_of_another_users_job_or_an_unknown_one_are_404()
    {
        using var owner = await Server.CreateUserAsync();
        using var other = await Server.CreateUserAsync();
        var id = await V2Requests.SubmitOkAsync(owner.Client, JobWaiter.PrimitivesWorkflow);
        foreach (var path in new[] { $"api/v2/jobs/{id:D}/events", $"api/v2/jobs/{Guid.NewGuid():D}/events" })
        {
            using var response = await other.Client.GetAsync(path, TestContext.Current.CancellationToken);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            await V2Requests.Conformant(response, "/api/v2/jobs/{id}/events", "get");
        }
    }

    private static void Conform(SseEvent e)
    {
        var schema = e.Name switch
        {
            "status" => "StatusEvent",
            "progress" => "Progress",
            "preview" => "PreviewEvent",
            "output" => "Output",
            "log" => "LogEvent",
            _ => throw new ShouldAssertException($"The spec has no event '{e.Name}'."),
        };
        V2Requests.ShouldConform(schema, e.Data);
    }
}

public sealed class V2EventsSqliteTests(EmbeddedSqliteServerFixture fixture) : V2EventsTests(fixture), IClassFixture<EmbeddedSqliteServerFixture>;

public sealed class V2EventsPostgresTests(EmbeddedPostgresServerFixture fixture) : V2EventsTests(fixture), IClassFixture<EmbeddedPostgresServerFixture>;
