using Gantry.Domain;
using Gantry.Load.Driving;
using Gantry.Load.Hosting;
using Gantry.Load.Seeding;

namespace Gantry.Load.Scenarios;

/// <summary>
/// <c>POST /api/prompt</c> at each client count, against two baselines measured in the same run: bare Kestrel
/// answering a fixed JSON of the same size, and raw inserts into the same store (<c>IJobStore.InsertJobAsync</c>
/// from as many concurrent callers, group commit included).
/// </summary>
public sealed class SubmitScenario : IScenario
{
    /// <summary>Submits rotate over this many users, so each user's waiting count stays near the default queue cap's size.</summary>
    public const int DefaultUsers = 1000;

    public string Name => "submit";

    public string Description => "POST /api/prompt throughput and latency vs bare Kestrel and raw store inserts";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        var reports = new List<ScenarioReport>();
        await using var bare = await BareKestrel.StartAsync();
        foreach (var store in arguments.Stores)
        {
            var userCount = arguments.Users ?? DefaultUsers;
            var settings = new Dictionary<string, string> { ["Gantry:Limits:MaxQueuedPerUser"] = "1000000" };
            await using var gantry = await GantryUnderTest.StartAsync(store, arguments.PostgresConnection, arguments.SettingsOver(settings), cancellationToken: cancellationToken);
            var users = await gantry.AddUsersAsync(userCount, "submitter", cancellationToken);
            var report = new ScenarioReport($"Submit: POST /api/prompt on {store} ({arguments.Seconds:0.#} s per point)");
            report.Notes.Add($"Each client rotates over {users.Count} users (an API key per request), so a user's waiting count stays small; " +
                "the per-user queue cap is raised to 1,000,000 so that it is checked (a count per submit) but never refuses; no workers run.");

            using (var probe = LoadHttp.CreateClient(gantry.BaseAddress, users[0].Key))
            {
                using var content = new ByteArrayContent(BenchGraphs.SubmitBody);
                content.Headers.ContentType = new("application/json");
                using var response = await probe.PostAsync("api/prompt", content, cancellationToken);
                response.EnsureSuccessStatusCode();
                var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                bare.SetAnswer("prompt", answer);
                report.Notes.Add($"Request body {BenchGraphs.SubmitBody.Length} bytes, answer {answer.Length} bytes (the baseline answers the same bytes).");
            }

            foreach (var clients in arguments.ClientsOr(1, 16, 64))
            {
                log.WriteLine($"submit {store}: {clients} clients");
                var baseline = await RunHttpAsync(bare.BaseAddress, clients, arguments.Duration, "fixed/prompt", null);
                var counters = CommitCounters.Read(gantry.Store);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var measured = await RunHttpAsync(gantry.BaseAddress, clients, arguments.Duration, "api/prompt", users);
                report.Notes.Add($"{clients} clients over HTTP: {CommitCounters.Read(gantry.Store).Since(counters, clock.Elapsed)}.");
                var inserts = await RunInsertsAsync(gantry, users, clients, arguments.Duration);
                report.Add("bare Kestrel POST (baseline)", $"{clients} clients", baseline);
                report.Add("gantry POST /api/prompt", $"{clients} clients", measured, baseline);
                report.Add("raw IJobStore.InsertJobAsync (baseline)", $"{clients} callers", inserts);
                report.Add("gantry POST /api/prompt vs raw inserts", $"{clients} clients", measured, inserts);
            }

            reports.Add(report);
        }

        return reports;
    }

    private static async Task<LoadResult> RunHttpAsync(Uri server, int clients, TimeSpan duration, string path, IReadOnlyList<BenchUser>? users)
    {
        var httpClients = Enumerable.Range(0, clients).Select(_ => LoadHttp.CreateClient(server, null)).ToArray();
        try
        {
            return await LoadRunner.RunAsync(clients, duration, i =>
            {
                var client = httpClients[i];
                var next = i;
                return async cancellationToken =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(BenchGraphs.SubmitBody) };
                    request.Content.Headers.ContentType = new("application/json");
                    if (users is not null)
                    {
                        request.Headers.Add("X-API-Key", users[next % users.Count].Key);
                        next += clients;
                    }

                    using var response = await client.SendAsync(request, cancellationToken);
                    await response.Content.LoadIntoBufferAsync(cancellationToken);
                    return response.IsSuccessStatusCode;
                };
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

    private static Task<LoadResult> RunInsertsAsync(GantryUnderTest gantry, IReadOnlyList<BenchUser> users, int callers, TimeSpan duration)
    {
        var store = gantry.Store;
        return LoadRunner.RunAsync(callers, duration, i =>
        {
            var next = i;
            return async cancellationToken =>
            {
                var user = users[next % users.Count];
                next += callers;
                await store.InsertJobAsync(
                    new NewJob
                    {
                        Id = Guid.NewGuid(),
                        UserId = user.Id,
                        CreatedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                        Payload = new JobPayload { PromptJson = SeedJob.PromptJson, OutputsToExecute = ["2"] },
                    },
                    cancellationToken);
                return true;
            };
        });
    }
}
