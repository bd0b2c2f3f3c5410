using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gantry.Events;
using Gantry.Load.Driving;
using Gantry.Load.Hosting;

namespace Gantry.Load.Scenarios;

/// <summary>
/// Progress events to many WebSocket clients (default 2,000 sockets over 100 users, 20 each). Every user gets a
/// progress frame every 100 ms (the engine's progress interval), published into Gantry's <see cref="EventHub"/>
/// (where the dispatcher publishes workers' messages) with the publish time inside; each socket records when
/// the frame arrived. Baseline: a bare Kestrel WebSocket endpoint fanning the same frames out, same clients.
/// </summary>
public sealed class EventsScenario : IScenario
{
    public const int DefaultSockets = 2_000;
    public const int DefaultUsers = 100;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public string Name => "events";

    public string Description => "p99 delivery latency of progress events to 2,000 WebSocket clients vs a bare Kestrel fan-out";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        var sockets = arguments.Sockets ?? DefaultSockets;
        var userCount = Math.Min(arguments.Users ?? DefaultUsers, sockets);
        var report = new ScenarioReport($"Events: progress frames to {sockets:N0} WebSocket clients of {userCount} users ({arguments.Seconds:0.#} s)");
        report.Notes.Add($"Each user gets a progress frame every {Interval.TotalMilliseconds:0} ms, so {userCount * 1000 / Interval.TotalMilliseconds:N0} " +
            $"frames/s are published and {sockets * 1000 / Interval.TotalMilliseconds:N0} deliveries/s are due. 'per s' counts deliveries; latency is publish → frame read by the client.");

        var broadcaster = new BareBroadcaster();
        await using (var bare = await BareKestrel.StartAsync(broadcaster.Map))
        {
            var wsBase = new UriBuilder(bare.BaseAddress) { Scheme = "ws" }.Uri;
            var uris = Enumerable.Range(0, sockets).Select(i => new Uri(wsBase, $"bare-ws?user={i % userCount}")).ToArray();
            log.WriteLine($"events: baseline, {sockets} sockets");
            var baseline = await MeasureAsync(uris, userCount, arguments.Duration, (user, frame) => broadcaster.Publish(user, frame), cancellationToken);
            report.Add("bare Kestrel WebSocket fan-out (baseline)", $"{sockets} sockets", baseline, unit: "frames");
        }

        foreach (var store in arguments.Stores)
        {
            await using var gantry = await GantryUnderTest.StartAsync(store, arguments.PostgresConnection, arguments.SettingsOver(null), cancellationToken: cancellationToken);
            var users = await gantry.AddUsersAsync(userCount, "listener", cancellationToken);
            var hub = gantry.GetService<EventHub>();
            var wsBase = new UriBuilder(gantry.BaseAddress) { Scheme = "ws" }.Uri;
            var uris = Enumerable.Range(0, sockets)
                .Select(i => new Uri(wsBase, $"ws?clientId=load{i}&token={Uri.EscapeDataString(users[i % userCount].Key)}")).ToArray();
            log.WriteLine($"events {store}: {sockets} sockets");
            var jobId = Guid.NewGuid();
            var measured = await MeasureAsync(uris, userCount, arguments.Duration,
                (user, frame) => hub.Publish(users[(int)user].Id, EventFrame.Text("progress", jobId, frame)), cancellationToken);
            report.Add($"gantry /ws via EventHub ({store})", $"{sockets} sockets", measured, unit: "frames");
        }

        return [report];
    }

    private static async Task<LoadResult> MeasureAsync(
        Uri[] uris, int userCount, TimeSpan duration, Action<long, ReadOnlyMemory<byte>> publish, CancellationToken cancellationToken)
    {
        await using var fleet = new SocketFleet();
        await fleet.ConnectAsync(uris, cancellationToken);
        var warmup = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, duration.Ticks / 5));
        var stopwatch = Stopwatch.StartNew();
        var started = false;
        var tick = 0L;
        var perUser = Interval / userCount;
        while (stopwatch.Elapsed < warmup + duration)
        {
            if (!started && stopwatch.Elapsed >= warmup)
            {
                fleet.StartMeasuring();
                started = true;
            }

            // Spread the users' frames over the interval: user u publishes at u * interval / users.
            var due = tick * perUser;
            var wait = due - stopwatch.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var user = tick % userCount;
            publish(user, Frame(tick / userCount, Stopwatch.GetTimestamp()));
            tick++;
        }

        // Let the last frames arrive before counting; a window too short for any arrival gets more frames (bounded).
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        var latencies = fleet.CollectLatencies();
        for (var extra = 0; latencies.Length == 0 && extra < 100; extra++)
        {
            publish(extra % userCount, Frame(extra, Stopwatch.GetTimestamp()));
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            latencies = fleet.CollectLatencies();
        }

        return LoadResult.From(uris.Length, latencies, fleet.Ended, duration);
    }

    private static byte[] Frame(long value, long sent) => Encoding.UTF8.GetBytes(
        "{\"type\": \"progress\", \"data\": {\"value\": " + value.ToString(CultureInfo.InvariantCulture) +
        ", \"max\": 1000000, \"prompt_id\": \"00000000-0000-0000-0000-000000000000\", \"node\": \"3\", \"sent\":" +
        sent.ToString(CultureInfo.InvariantCulture) + "}}");
}
