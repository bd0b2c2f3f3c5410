using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Gantry.Tests.Events;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Mcp;
using Gantry.Tests.Workers.ComfyUi;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// Two <c>gantry serve</c> processes on one PostgreSQL database (a leader and a follower, with keys): a key revoked
/// through one process is refused by the other within a second and its open socket there is closed; a running job
/// cancelled through the follower is stopped by the leader's worker and ends cancelled once; and <c>/mcp</c> on the
/// follower submits, waits for and reads a job that the leader's worker runs.
/// </summary>
public sealed class FollowerProcessTests
{
    private const string LeadingLine = "Leading the dispatcher";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_revoked_through_one_process_is_refused_by_the_other_within_a_second_and_its_socket_there_closes()
    {
        await using var pair = await Pair.StartAsync(environment: null);
        using var adminOnLeader = pair.Leader.Client(pair.AdminKey);
        var (userId, keyId, key) = await CreateUserAndKeyAsync(adminOnLeader);

        // Revoked through the follower, refused by the leader; and the other way round.
        foreach (var (revoker, victim) in new[] { (pair.Follower, pair.Leader), (pair.Leader, pair.Follower) })
        {
            using var viaVictim = victim.Client(key);
            (await viaVictim.GetAsync("api/queue", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
            await using var socket = await TestSocket.ConnectAsync(victim.BaseAddress, key);

            using var admin = revoker.Client(pair.AdminKey);
            using (var revoke = await admin.PostAsync($"api/admin/users/{userId}/keys/{keyId}/revoke", null, Ct))
            {
                revoke.IsSuccessStatusCode.ShouldBeTrue();
            }

            var clock = Stopwatch.StartNew();
            var refusedAfter = await FirstRefusalAsync(viaVictim, clock);
            var (close, _) = await socket.ReceiveUntilCloseAsync();
            close.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
            (await viaVictim.GetAsync("api/queue", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            TestContext.Current.TestOutputHelper?.WriteLine($"refused by the other process {refusedAfter.TotalMilliseconds:0} ms after the revoke answered");

            // The bound: within a second, not after the key cache expires.
            refusedAfter.ShouldBeLessThan(TimeSpan.FromSeconds(1));
            (keyId, key) = await CreateKeyAsync(adminOnLeader, userId);
        }
    }

    [Fact]
    public async Task Through_the_follower_a_running_job_is_cancelled_on_the_leaders_worker_and_mcp_submits_and_waits()
    {
        await using var gpu = await FakeComfyUiServer.StartAsync(Ct);
        await using var pair = await Pair.StartAsync(new Dictionary<string, string?>
        {
            ["GANTRY__WORKERS__COMFYUI__0__NAME"] = "gpu",
            ["GANTRY__WORKERS__COMFYUI__0__URL"] = gpu.BaseAddress.ToString(),
            ["GANTRY__COMFYUI__RECONNECTINITIALDELAY"] = "00:00:00.020",
            ["GANTRY__COMFYUI__POLLINTERVAL"] = "00:00:00.100",
        });
        using var viaFollower = pair.Follower.Client(pair.AdminKey);
        await using var socket = await TestSocket.ConnectAsync(pair.Follower.BaseAddress, pair.AdminKey);

        // Cancel of a running job, sent to the follower: the leader's worker interrupts it; it ends cancelled, once.
        gpu.Script = FakeScripts.HoldThenNormal;
        var running = await TwoFakeWorkerProcesses.SubmitAsync(viaFollower);
        var run = await gpu.WaitForRunAsync(running).WaitAsync(TestTimeouts.Default, Ct);
        await run.Holding.WaitAsync(TestTimeouts.Default, Ct);
        using (var cancel = await viaFollower.PostAsync($"api/jobs/{running}/cancel", null, Ct))
        {
            cancel.IsSuccessStatusCode.ShouldBeTrue();
        }

        await StatusAfterEventsAsync(viaFollower, socket, running, "cancelled");
        using (var status = await viaFollower.GetAsync($"api/job/{running}/status", Ct))
        {
            (await status.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("error_message").GetString().ShouldBe("Cancelled by the user.");
        }

        await run.Ended.WaitAsync(TestTimeouts.Default, Ct);
        run.InterruptRequested.ShouldBeTrue();
        gpu.Prompts.Count(p => p.Id == running.ToString("D")).ShouldBe(1);
        using (var again = await pair.Leader.Client(pair.AdminKey).GetAsync($"api/jobs/{running}", Ct))
        {
            (await again.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString().ShouldBe("cancelled");
        }

        // /mcp (streamable HTTP) on the follower: submit, wait and read a job the leader's worker runs.
        gpu.Script = FakeScripts.Normal;
        await using var mcp = await McpTestClients.HttpAsync(pair.Follower.BaseAddress, pair.AdminKey);
        var submitted = (await mcp.CallAsync("submit_workflow", new
        {
            workflow = JsonDocument.Parse(ComfyUiWorkerHarness.TextToImage).RootElement,
        })).Structured();
        var id = submitted.GetProperty("prompt_id").GetString()!;
        var waited = (await mcp.CallAsync("wait_for_job", new { prompt_id = id, timeout_seconds = 60 })).Structured();
        waited.GetProperty("done").GetBoolean().ShouldBeTrue();
        waited.GetProperty("timed_out").GetBoolean().ShouldBeFalse();
        var detail = (await mcp.CallAsync("get_job", new { prompt_id = id })).Json();
        detail.GetProperty("status").GetString().ShouldBe("completed");
        gpu.Prompts.Count(p => p.Id == id).ShouldBe(1);
    }

    /// <summary>Asks until the key is refused; the time from <paramref name="clock"/>'s start to the first 401.</summary>
    private static async Task<TimeSpan> FirstRefusalAsync(HttpClient client, Stopwatch clock)
    {
        while (true)
        {
            using var response = await client.GetAsync("api/queue", Ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                return clock.Elapsed;
            }

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            clock.Elapsed.ShouldBeLessThan(TestTimeouts.Default);
        }
    }

    /// <summary>Asks for the job's status after every message the socket gets until it is <paramref name="status"/>; another final status fails.</summary>
    private static async Task StatusAfterEventsAsync(HttpClient client, TestSocket socket, Guid id, string status)
    {
        var next = socket.ReceiveAsync();
        while (true)
        {
            using var response = await client.GetAsync($"api/jobs/{id}", Ct);
            var detail = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
            var now = detail.GetProperty("status").GetString();
            if (now == status)
            {
                return;
            }

            now.ShouldBeOneOf("pending", "in_progress");
            var message = await next.WaitAsync(TestTimeouts.Default, Ct);
            message.Type.ShouldNotBe(WebSocketMessageType.Close);
            next = socket.ReceiveAsync();
        }
    }

    private static async Task<(long UserId, long KeyId, string Key)> CreateUserAndKeyAsync(HttpClient admin)
    {
        using var created = await admin.PostAsync("api/admin/users", TestWorkflows.Json($$"""{"name": "user-{{Guid.NewGuid():N}}"}"""), Ct);
        var userId = (await created.ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var (keyId, key) = await CreateKeyAsync(admin, userId);
        return (userId, keyId, key);
    }

    private static async Task<(long KeyId, string Key)> CreateKeyAsync(HttpClient admin, long userId)
    {
        using var created = await admin.PostAsync($"api/admin/users/{userId}/keys", TestWorkflows.Json("{}"), Ct);
        var json = await created.ShouldBeJsonAsync(HttpStatusCode.Created);
        return (json.GetProperty("info").GetProperty("id").GetInt64(), json.GetProperty("key").GetString()!);
    }

    /// <summary>A leader process and a follower process on a fresh database and one shared data folder (its <c>admin-key</c>).</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly PostgresTestDatabase _database;
        private readonly TempDirectory _data;

        private Pair(PostgresTestDatabase database, TempDirectory data, ServeProcess leader, ServeProcess follower, string adminKey)
        {
            (_database, _data, Leader, Follower, AdminKey) = (database, data, leader, follower, adminKey);
        }

        public ServeProcess Leader { get; }

        public ServeProcess Follower { get; }

        public string AdminKey { get; }

        public static async Task<Pair> StartAsync(IReadOnlyDictionary<string, string?>? environment)
        {
            if (PostgresTestDatabase.SkipReason is { } reason)
            {
                Assert.Skip(reason);
            }

            var database = await PostgresTestDatabase.CreateAsync(Ct);
            var data = new TempDirectory("gantry-follower");
            string[] args = ["--data", data.Path, "--store", database.ConnectionString];
            var leader = await ServeProcess.StartAsync(args, environment);
            await leader.Process.WaitForLineAsync(LeadingLine);
            var follower = await ServeProcess.StartAsync(args, environment);
            var adminKey = (await File.ReadAllTextAsync(Path.Combine(data.Path, "admin-key"), Ct)).Trim();
            return new Pair(database, data, leader, follower, adminKey);
        }

        public async ValueTask DisposeAsync()
        {
            await Follower.DisposeAsync();
            await Leader.DisposeAsync();
            await _database.DisposeAsync();
            _data.Dispose();
        }
    }
}
