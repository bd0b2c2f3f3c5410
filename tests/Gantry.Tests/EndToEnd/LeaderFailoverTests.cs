using System.Diagnostics;
using System.Net;
using Gantry.Tests.Events;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Workers.ComfyUi;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// Three <c>gantry serve</c> processes on one PostgreSQL database and two scripted fake ComfyUI workers (which see every
/// prompt id). Jobs are submitted through the followers only, so the leader must hear of them from the database. The
/// leader is killed with SIGKILL while jobs run on the workers and wait in the queue, twice in a row: each time another
/// instance leads within 10 s, reconciles the jobs on the workers, and every acknowledged job finishes exactly once.
/// </summary>
public sealed class LeaderFailoverTests
{
    private const string LeadingLine = "Leading the dispatcher";
    private const int JobsPerRound = 6;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_killed_leader_is_replaced_within_ten_seconds_and_every_acknowledged_job_runs_exactly_once()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var database = await PostgresTestDatabase.CreateAsync(Ct);
        using var data = new TempDirectory("gantry-failover");
        await using var gpuA = await FakeComfyUiServer.StartAsync(Ct);
        await using var gpuB = await FakeComfyUiServer.StartAsync(Ct);
        FakeComfyUiServer[] fakes = [gpuA, gpuB];
        var holds = fakes.Select(Hold).ToArray();
        string[] args = ["--data", data.Path, "--no-auth", "--store", database.ConnectionString];
        var environment = Environment(gpuA, gpuB);

        // The first instance leads (it is alone); the two started after it follow.
        var instances = new List<ServeProcess> { await ServeProcess.StartAsync(args, environment) };
        try
        {
            var leader = instances[0];
            await leader.Process.WaitForLineAsync(LeadingLine);
            instances.Add(await ServeProcess.StartAsync(args, environment));
            instances.Add(await ServeProcess.StartAsync(args, environment));

            var acknowledged = new List<Guid>();
            var takeovers = new List<TimeSpan>();
            for (var round = 0; round < 2; round++)
            {
                var followers = instances.Where(i => i != leader).ToList();
                foreach (var hold in holds)
                {
                    hold.Arm();
                }

                for (var i = 0; i < JobsPerRound; i++)
                {
                    using var client = followers[i % followers.Count].Client(apiKey: null);
                    acknowledged.Add(await SubmitAsync(client));
                }

                // Under load: each worker runs a held job and the rest wait, on the workers or in the queue.
                var held = await Task.WhenAll(holds.Select(h => h.Held.WaitAsync(TestTimeouts.Default, Ct)));

                var clock = Stopwatch.StartNew();
                await leader.Process.KillAsync();
                var next = await Task.WhenAny(followers.Select(async f =>
                {
                    await f.Process.WaitForLineAsync(LeadingLine);
                    return f;
                }));
                leader = await next;
                takeovers.Add(clock.Elapsed);
                foreach (var gone in instances.Where(i => i.Process.HasExited).ToList())
                {
                    await gone.DisposeAsync();
                    instances.Remove(gone);
                }

                foreach (var run in held)
                {
                    run.Release();
                }

                using var reader = leader.Client(apiKey: null);
                await using var socket = await TestSocket.ConnectAsync(leader.BaseAddress, key: null);
                await WaitForCompletedAsync(reader, socket, acknowledged);
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"takeover after SIGKILL: {string.Join(", ", takeovers.Select(t => $"{t.TotalMilliseconds:0} ms"))}");
            takeovers.ShouldAllBe(t => t < TimeSpan.FromSeconds(10));
            foreach (var id in acknowledged)
            {
                fakes.Sum(f => f.Prompts.Count(p => p.Id == id.ToString("D"))).ShouldBe(1, $"job {id} must have run exactly once");
            }

            // Every instance (the survivor and, before, the followers) answers from the same store.
            using var list = await leader.Client(apiKey: null).GetAsync("api/jobs?limit=100", Ct);
            (await list.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(acknowledged.Count);
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    /// <summary>While armed, the fake holds the first prompt it starts (its first node runs, then it waits for a release); the others run normally.</summary>
    private static RoundHold Hold(FakeComfyUiServer fake)
    {
        var hold = new RoundHold();
        fake.Script = async run =>
        {
            if (hold.TryTake(run))
            {
                await FakeScripts.HoldThenNormal(run);
            }
            else
            {
                await FakeScripts.Normal(run);
            }
        };
        return hold;
    }

    private static Dictionary<string, string?> Environment(FakeComfyUiServer a, FakeComfyUiServer b) => new()
    {
        ["GANTRY__WORKERS__COMFYUI__0__NAME"] = "gpu-a",
        ["GANTRY__WORKERS__COMFYUI__0__URL"] = a.BaseAddress.ToString(),
        ["GANTRY__WORKERS__COMFYUI__1__NAME"] = "gpu-b",
        ["GANTRY__WORKERS__COMFYUI__1__URL"] = b.BaseAddress.ToString(),
        ["GANTRY__SCHEDULER__MAXRUNNINGPERUSER"] = "0",
        ["GANTRY__COMFYUI__RECONNECTINITIALDELAY"] = "00:00:00.020",
        ["GANTRY__COMFYUI__RECONNECTMAXDELAY"] = "00:00:00.200",
        ["GANTRY__COMFYUI__POLLINTERVAL"] = "00:00:00.100",
        ["GANTRY__COMFYUI__HISTORYRETRYDELAY"] = "00:00:00.010",
    };

    private static async Task<Guid> SubmitAsync(HttpClient client)
    {
        using var response = await client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(ComfyUiWorkerHarness.TextToImage)), Ct);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return Guid.Parse(json.GetProperty("prompt_id").GetString()!);
    }

    /// <summary>Asks again after every message the leader's socket gets until every job is completed; a job ending otherwise fails the test.</summary>
    private static async Task WaitForCompletedAsync(HttpClient client, TestSocket socket, IReadOnlyList<Guid> ids)
    {
        var next = socket.ReceiveAsync();
        while (true)
        {
            var statuses = new List<string>();
            foreach (var id in ids)
            {
                using var response = await client.GetAsync($"api/job/{id}/status", Ct);
                statuses.Add((await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString()!);
            }

            statuses.ShouldNotContain(s => s == "error" || s == "cancelled");
            if (statuses.All(s => s == "completed"))
            {
                return;
            }

            var message = await next;
            message.Type.ShouldNotBe(System.Net.WebSockets.WebSocketMessageType.Close, $"the socket closed while waiting: {string.Join(", ", statuses)}");
            next = socket.ReceiveAsync();
        }
    }

    /// <summary>One held run per round and fake.</summary>
    private sealed class RoundHold
    {
        private TaskCompletionSource<FakeRun> _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        public Task<FakeRun> Held => Volatile.Read(ref _held).Task;

        public void Arm()
        {
            Volatile.Write(ref _held, new TaskCompletionSource<FakeRun>(TaskCreationOptions.RunContinuationsAsynchronously));
            Volatile.Write(ref _armed, 1);
        }

        public bool TryTake(FakeRun run) => Interlocked.Exchange(ref _armed, 0) == 1 && Volatile.Read(ref _held).TrySetResult(run);
    }
}
