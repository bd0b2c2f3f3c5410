using Gantry.Load.Driving;
using Gantry.Load.Hosting;
using Gantry.Load.Seeding;

namespace Gantry.Load.Scenarios;

/// <summary><c>GET /api/queue</c> for a user with many pending jobs (default 10,000), against bare Kestrel answering the same bytes.</summary>
public sealed class QueueScenario : IScenario
{
    public const int DefaultQueued = 10_000;

    public string Name => "queue";

    public string Description => "GET /api/queue with 10,000 pending jobs of one user vs bare Kestrel";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        var reports = new List<ScenarioReport>();
        await using var bare = await BareKestrel.StartAsync();
        foreach (var store in arguments.Stores)
        {
            var queued = arguments.Queued ?? DefaultQueued;
            BenchUser user = null!;
            await using var gantry = await GantryUnderTest.StartAsync(store, arguments.PostgresConnection, arguments.SettingsOver(null), seed: async seeder =>
            {
                user = (await seeder.AddUsersAsync(1, "queuer", cancellationToken))[0];
                await seeder.AddQueuedAsync(user, queued, cancellationToken);
            }, cancellationToken: cancellationToken);

            var report = new ScenarioReport($"Queue: GET /api/queue on {store}, {queued:N0} pending jobs of one user ({arguments.Seconds:0.#} s per point)");
            using (var probe = LoadHttp.CreateClient(gantry.BaseAddress, user.Key))
            {
                var answer = await LoadHttp.GetBytesAsync(probe, "api/queue", cancellationToken);
                bare.SetAnswer("queue", answer);
                report.Notes.Add($"The answer lists every pending job with its graph: {answer.Length:N0} bytes; the baseline answers the same bytes. No workers run.");
            }

            foreach (var clients in arguments.ClientsOr(1, 4))
            {
                log.WriteLine($"queue {store}: {clients} clients");
                var baseline = await HttpLoad.RunGetAsync(bare.BaseAddress, clients, arguments.Duration, _ => null, _ => () => "fixed/queue");
                var measured = await HttpLoad.RunGetAsync(gantry.BaseAddress, clients, arguments.Duration, _ => user.Key, _ => () => "api/queue");
                report.Add("bare Kestrel GET (baseline)", $"{clients} clients", baseline);
                report.Add("gantry GET /api/queue", $"{clients} clients", measured, baseline);
            }

            reports.Add(report);
        }

        return reports;
    }
}
