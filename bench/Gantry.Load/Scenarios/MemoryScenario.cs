using Gantry.Load.Driving;
using Gantry.Load.Hosting;
using Gantry.Load.Seeding;

namespace Gantry.Load.Scenarios;

/// <summary>
/// Resident memory of <c>gantry serve</c> (its own process) with a large store (default 1,000,000 finished jobs of
/// 1,000 users and 10,000 queued jobs of one more user), after start and after list and queue requests. Baseline:
/// the same server on a store with one user and no jobs, measured the same way.
/// </summary>
public sealed class MemoryScenario : IScenario
{
    public string Name => "memory";

    public string Description => "gantry serve RSS with 1M jobs stored and 10,000 queued vs an empty store";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        var reports = new List<ScenarioReport>();
        foreach (var store in arguments.Stores)
        {
            var userCount = arguments.Users ?? ListScenario.DefaultUsers;
            var jobsPerUser = Math.Max(1, (arguments.Jobs ?? ListScenario.DefaultJobs) / userCount);
            var queued = arguments.Queued ?? QueueScenario.DefaultQueued;
            var report = new ScenarioReport($"Memory: gantry serve on {store}, {userCount * jobsPerUser:N0} jobs stored, {queued:N0} queued");
            report.Notes.Add("`gantry serve --embedded-workers 0` as its own process; RSS and peak (VmHWM) from /proc/PID/status. " +
                "'after requests' is after a default and a last-page list for 20 users and three GET /api/queue of the queued user.");

            log.WriteLine($"memory {store}: empty store");
            var empty = await MeasureAsync(store, arguments, async seeder => await seeder.AddUsersAsync(1, "only", cancellationToken), cancellationToken);
            log.WriteLine($"memory {store}: seeding and measuring the large store");
            var large = await MeasureAsync(store, arguments, async seeder =>
            {
                var users = await seeder.AddUsersAsync(userCount, "member", cancellationToken);
                await seeder.AddHistoryAsync(users, jobsPerUser, cancellationToken);
                var queuer = await seeder.AddUsersAsync(1, "queuer", cancellationToken);
                await seeder.AddQueuedAsync(queuer[0], queued, cancellationToken);
                return [.. users, .. queuer];
            }, cancellationToken);

            report.Amounts.Add(new("empty store (baseline)", "after start", empty.Started, "MiB"));
            report.Amounts.Add(new("empty store (baseline)", "after requests", empty.AfterRequests, "MiB"));
            report.Amounts.Add(new("empty store (baseline)", "peak", empty.Peak, "MiB"));
            report.Amounts.Add(new("large store", "after start", large.Started, "MiB", large.Started / empty.Started));
            report.Amounts.Add(new("large store", "after requests", large.AfterRequests, "MiB", large.AfterRequests / empty.AfterRequests));
            report.Amounts.Add(new("large store", "peak", large.Peak, "MiB", large.Peak / empty.Peak));
            reports.Add(report);
        }

        return reports;
    }

    private static async Task<(double Started, double AfterRequests, double Peak)> MeasureAsync(
        StoreChoice store, LoadArguments arguments, Func<StoreSeeder, Task<IReadOnlyList<BenchUser>>> seed, CancellationToken cancellationToken)
    {
        IReadOnlyList<BenchUser> users = [];
        await using var prepared = await GantryUnderTest.PrepareAsync(store, arguments.PostgresConnection, async seeder => users = await seed(seeder), cancellationToken);
        await using var server = await ServeProcess.StartAsync(prepared.ServeArguments, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var started = server.Memory().Rss;

        var random = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            using var client = LoadHttp.CreateClient(server.BaseAddress, users[random.Next(users.Count)].Key);
            await LoadHttp.GetBytesAsync(client, "api/jobs", cancellationToken);
            await LoadHttp.GetBytesAsync(client, "api/jobs?sort_by=execution_time&offset=900", cancellationToken);
        }

        using (var queuer = LoadHttp.CreateClient(server.BaseAddress, users[^1].Key))
        {
            for (var i = 0; i < 3; i++)
            {
                await LoadHttp.GetBytesAsync(queuer, "api/queue", cancellationToken);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var (rss, peak) = server.Memory();
        return (started, rss, peak);
    }
}
