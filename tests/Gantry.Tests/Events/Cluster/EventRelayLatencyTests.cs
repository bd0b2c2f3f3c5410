using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Gantry.Engine.Json;
using Gantry.Scheduling;
using Gantry.Tests.EndToEnd;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Events.Cluster;

/// <summary>
/// The extra latency of an event that crosses instances (BENCHMARKS.md): a fake ComfyUI behind the leader sends ticks
/// stamped with the time they leave it, one at a time (the next once both clients have the last), and a client on the
/// leader and one on the follower note when each arrives. Prints the medians and the ratio; checks that every tick
/// arrives on both, once and in order.
/// </summary>
public sealed class EventRelayLatencyTests(ITestOutputHelper output)
{
    private const int Ticks = 300;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RelayLatency_of_an_event_on_a_follower_against_the_leader()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var fake = await FakeComfyUiServer.StartAsync(Ct);
        var settings = new Dictionary<string, string>
        {
            ["Gantry:Workers:ComfyUi:0:Name"] = "gpu",
            ["Gantry:Workers:ComfyUi:0:Url"] = fake.BaseAddress.ToString(),
        };
        await using var leader = await GantryTestServer.StartAsync(StoreKind.Postgres, settings);
        await leader.GetService<Dispatcher>().Ready.WaitAsync(TestTimeouts.Default, Ct);
        await using var follower = await leader.StartSecondInstanceAsync(settings);
        using var user = await leader.CreateUserAsync();

        var delivered = new SemaphoreSlim(0);
        fake.Script = run => TicksThenNormalAsync(run, delivered);
        await using var onLeader = await TestSocket.ConnectAsync(leader.BaseAddress, user.Key);
        await using var onFollower = await TestSocket.ConnectAsync(follower.BaseAddress, user.Key);
        var here = new long[Ticks];
        var there = new long[Ticks];
        using var both = new CountdownPairs(Ticks, delivered);
        var reading = Task.WhenAll(ReadTicksAsync(onLeader, here, both), ReadTicksAsync(onFollower, there, both));
        await TwoFakeWorkerProcesses.SubmitAsync(user.Client);
        await reading;

        var local = here.Select(Milliseconds).Order().ToArray();
        var crossing = there.Select(Milliseconds).Order().ToArray();
        var extra = there.Zip(here, (t, h) => Milliseconds(t - h)).Order().ToArray();
        var report = string.Create(
            CultureInfo.InvariantCulture,
            $"{Ticks} events: on the leader median {Median(local):0.00} ms (p95 {P95(local):0.00}), on a follower median {Median(crossing):0.00} ms "
            + $"(p95 {P95(crossing):0.00}); extra median {Median(extra):0.00} ms, ratio {Median(crossing) / Median(local):0.0}x");
        output.WriteLine(report);
        Console.WriteLine(report);
        crossing.Length.ShouldBe(Ticks);
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double Median(double[] sorted) => sorted[sorted.Length / 2];

    private static double P95(double[] sorted) => sorted[(int)(sorted.Length * 0.95)];

    /// <summary>Sends the ticks one by one, each once the last reached both clients, then runs the job to its end.</summary>
    private static async Task TicksThenNormalAsync(FakeRun run, SemaphoreSlim delivered)
    {
        await run.StartAsync();
        for (var i = 0; i < Ticks; i++)
        {
            var sent = Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture);
            await run.SendAsync("relay_tick", new JObjectBuilder { ["prompt_id"] = run.PromptId, ["i"] = (long)i, ["sent"] = sent }.Build());
            (await delivered.WaitAsync(TestTimeouts.Default, Ct)).ShouldBeTrue();
        }

        foreach (var nodeId in run.Prompt.Prompt.Keys.Order(StringComparer.Ordinal))
        {
            await run.ExecuteNodeAsync(nodeId);
        }
    }

    /// <summary>Notes how long each tick took to arrive (in stopwatch ticks) until the last; ticks must come once and in order.</summary>
    private static async Task ReadTicksAsync(TestSocket socket, long[] took, CountdownPairs both)
    {
        var next = 0;
        while (next < took.Length)
        {
            var message = await socket.ReceiveAsync();
            var arrived = Stopwatch.GetTimestamp();
            message.Type.ShouldNotBe(WebSocketMessageType.Close);
            if (message.Type != WebSocketMessageType.Text)
            {
                continue;
            }

            using var document = JsonDocument.Parse(message.Data);
            if (document.RootElement.GetProperty("type").GetString() != "relay_tick")
            {
                continue;
            }

            var data = document.RootElement.GetProperty("data");
            data.GetProperty("i").GetInt32().ShouldBe(next);
            took[next] = arrived - long.Parse(data.GetProperty("sent").GetString()!, CultureInfo.InvariantCulture);
            both.Arrived(next);
            next++;
        }
    }

    /// <summary>Releases the fake's next tick once both clients have the current one.</summary>
    private sealed class CountdownPairs(int count, SemaphoreSlim delivered) : IDisposable
    {
        private readonly int[] _arrivals = new int[count];

        public void Arrived(int tick)
        {
            if (Interlocked.Increment(ref _arrivals[tick]) == 2)
            {
                delivered.Release();
            }
        }

        public void Dispose() => delivered.Dispose();
    }
}
