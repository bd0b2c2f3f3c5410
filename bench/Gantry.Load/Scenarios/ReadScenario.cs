using Gantry.Domain;
using Gantry.Load.Driving;
using Gantry.Load.Hosting;
using Gantry.Load.Seeding;

namespace Gantry.Load.Scenarios;

/// <summary>
/// <c>GET /api/job/{id}/status</c> and <c>GET /api/jobs/{id}</c> on the caller's own jobs, against bare Kestrel
/// answering the same bytes.
/// </summary>
public sealed class ReadScenario : IScenario
{
    private const int JobsPerUser = 100;

    public string Name => "reads";

    public string Description => "GET /api/job/{id}/status and GET /api/jobs/{id} vs bare Kestrel";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        var reports = new List<ScenarioReport>();
        await using var bare = await BareKestrel.StartAsync();
        foreach (var store in arguments.Stores)
        {
            await using var gantry = await GantryUnderTest.StartAsync(store, arguments.PostgresConnection, arguments.SettingsOver(null), cancellationToken: cancellationToken);
            var users = await gantry.AddUsersAsync(arguments.Users ?? arguments.ClientsOr(1, 16, 64).Max(), "reader", cancellationToken);
            var jobs = new List<Guid>[users.Count];
            for (var u = 0; u < users.Count; u++)
            {
                jobs[u] = [];
                for (var j = 0; j < JobsPerUser; j++)
                {
                    var record = await gantry.Store.InsertJobAsync(
                        new NewJob
                        {
                            Id = Guid.NewGuid(),
                            UserId = users[u].Id,
                            CreatedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                            Payload = new JobPayload { PromptJson = SeedJob.PromptJson, OutputsToExecute = ["2"] },
                        },
                        cancellationToken);
                    jobs[u].Add(record.Id);
                }
            }

            var report = new ScenarioReport($"Reads on {store} ({arguments.Seconds:0.#} s per point)");
            report.Notes.Add($"{users.Count} users with {JobsPerUser} queued jobs each; client i reads user (i mod {users.Count})'s jobs in turn with that user's key.");
            foreach (var (name, path) in new[] { ("status", "api/job/{0}/status"), ("detail", "api/jobs/{0}") })
            {
                using (var probe = LoadHttp.CreateClient(gantry.BaseAddress, users[0].Key))
                {
                    var answer = await LoadHttp.GetBytesAsync(probe, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, jobs[0][0]), cancellationToken);
                    bare.SetAnswer(name, answer);
                    report.Notes.Add($"GET /{path.Replace("{0}", "{id}", StringComparison.Ordinal)} answers {answer.Length} bytes.");
                }

                foreach (var clients in arguments.ClientsOr(1, 16, 64))
                {
                    log.WriteLine($"reads {store}: {name}, {clients} clients");
                    var baseline = await RunAsync(bare.BaseAddress, clients, arguments.Duration, null, _ => "fixed/" + name);
                    var measured = await RunAsync(gantry.BaseAddress, clients, arguments.Duration, users,
                        (id) => string.Format(System.Globalization.CultureInfo.InvariantCulture, path, id));
                    report.Add($"bare Kestrel GET {name} (baseline)", $"{clients} clients", baseline);
                    report.Add($"gantry GET /{path.Replace("{0}", "{id}", StringComparison.Ordinal)}", $"{clients} clients", measured, baseline);
                }
            }

            reports.Add(report);

            async Task<LoadResult> RunAsync(Uri server, int clients, TimeSpan duration, IReadOnlyList<BenchUser>? keys, Func<Guid, string> pathOf)
            {
                var httpClients = Enumerable.Range(0, clients)
                    .Select(i => LoadHttp.CreateClient(server, keys?[i % keys.Count].Key)).ToArray();
                try
                {
                    return await LoadRunner.RunAsync(clients, duration, i =>
                    {
                        var client = httpClients[i];
                        var own = jobs[i % jobs.Length];
                        var next = 0;
                        return cancellationToken => LoadHttp.GetAsync(client, pathOf(own[next++ % own.Count]), cancellationToken);
                    });
                }
                finally
                {
                    foreach (var client in httpClients)
                    {
                        client.Dispose();
                    }
                }
            }
        }

        return reports;
    }
}
