using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Gantry.Scheduling;
using Gantry.Tests.Events;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// Two instances on one PostgreSQL database (no workers, so jobs stay queued): the follower answers the queue, lists,
/// status and the admin fairness snapshot as the leader does (the leader's own snapshot drops a job cancelled through
/// the follower once the change is relayed), and a key revoked
/// through the leader stops working on the follower, whose open socket of that key is closed with 1008.
/// </summary>
public sealed class FollowerServesTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_follower_answers_queue_lists_status_and_the_admin_queue_as_the_leader_does()
    {
        await using var pair = await StartPairAsync();
        var (leader, follower) = (pair.Leader, pair.Follower);
        using var user = await leader.CreateUserAsync();
        using var viaFollower = follower.CreateClient(user.Key);
        var jobs = new List<Guid>
        {
            await SubmitAsync(viaFollower),
            await SubmitAsync(user.Client),
            await SubmitAsync(viaFollower),
        };

        // The leader's queue lets the job go when the follower's change reaches it.
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChangedElsewhere(Gantry.Jobs.JobChange change)
        {
            if (change.JobId == jobs[2] && change.State == Gantry.Domain.JobState.Cancelled)
            {
                gone.TrySetResult();
            }
        }

        var signals = leader.GetService<Gantry.Jobs.JobSignals>();
        signals.ChangedElsewhere += OnChangedElsewhere;
        using (var cancel = await viaFollower.PostAsync($"api/jobs/{jobs[2]}/cancel", null, Ct))
        {
            cancel.IsSuccessStatusCode.ShouldBeTrue();
        }

        await gone.Task.WaitAsync(TestTimeouts.Default, Ct);
        signals.ChangedElsewhere -= OnChangedElsewhere;

        foreach (var path in new[] { "api/queue", "queue", "api/jobs?limit=10", $"api/job/{jobs[0]}/status", $"api/job/{jobs[2]}/status", $"api/jobs/{jobs[1]}", "history" })
        {
            (await BodyAsync(viaFollower, path)).ShouldBe(await BodyAsync(user.Client, path), path);
        }

        using var adminOnLeader = leader.CreateAdminClient();
        using var adminOnFollower = follower.CreateClient(leader.AdminKey);
        var there = Users(await BodyAsync(adminOnFollower, "api/admin/queue"));
        there.ShouldBe(Users(await BodyAsync(adminOnLeader, "api/admin/queue")));
        there.ShouldBe([$"{user.User.Id}: running 0, queued 2, next {jobs[0]},{jobs[1]}"]);
    }

    [Fact]
    public async Task A_key_revoked_through_the_leader_stops_working_on_the_follower_and_its_socket_there_is_closed_with_1008()
    {
        await using var pair = await StartPairAsync();
        using var user = await pair.Leader.CreateUserAsync();
        using var viaFollower = pair.Follower.CreateClient(user.Key);
        (await viaFollower.GetAsync("api/queue", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var socket = await TestSocket.ConnectAsync(pair.Follower.BaseAddress, user.Key);

        using var admin = pair.Leader.CreateAdminClient();
        var clock = Stopwatch.StartNew();
        using (var revoke = await admin.PostAsync($"api/admin/users/{user.User.Id}/keys/{user.KeyId}/revoke", null, Ct))
        {
            revoke.IsSuccessStatusCode.ShouldBeTrue();
        }

        var (close, _) = await socket.ReceiveUntilCloseAsync();
        var closedAfter = clock.Elapsed;
        close.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        (await viaFollower.GetAsync("api/queue", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        output.WriteLine($"the follower closed the revoked key's socket {closedAfter.TotalMilliseconds:0} ms after the revoke");
    }

    private static async Task<Pair> StartPairAsync()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var leader = await GantryTestServer.StartAsync(StoreKind.Postgres);
        await leader.GetService<Dispatcher>().Ready.WaitAsync(TestTimeouts.Default, Ct);
        var follower = await leader.StartSecondInstanceAsync();
        follower.GetService<Dispatcher>().IsLeading.ShouldBeFalse();
        return new Pair(leader, follower);
    }

    private static async Task<Guid> SubmitAsync(HttpClient client)
    {
        using var response = await client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body()), Ct);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return Guid.Parse(json.GetProperty("prompt_id").GetString()!);
    }

    private static async Task<string> BodyAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private static List<string> Users(string adminQueue)
    {
        using var document = JsonDocument.Parse(adminQueue);
        return [.. document.RootElement.GetProperty("users").EnumerateArray().Select(u =>
            $"{u.GetProperty("user_id").GetInt64()}: running {u.GetProperty("running").GetInt32()}, queued {u.GetProperty("queued").GetInt32()}, "
            + $"next {string.Join(',', u.GetProperty("next_jobs").EnumerateArray().Select(j => j.GetString()))}")];
    }

    private sealed record Pair(GantryTestServer Leader, GantryTestServer Follower) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Follower.DisposeAsync();
            await Leader.DisposeAsync();
        }
    }
}
