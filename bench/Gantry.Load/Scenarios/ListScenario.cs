using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gantry.Load.Driving;
using Gantry.Load.Hosting;
using Gantry.Load.Seeding;

namespace Gantry.Load.Scenarios;

/// <summary>
/// <c>GET /api/jobs</c> over a large store (default 1,000,000 finished jobs of 1,000 users): every filter and both
/// sorts, first page and last page (the deepest offset a user has), each client asking as a random user.
/// Baseline: bare Kestrel answering the bytes of a default first page.
/// </summary>
public sealed class ListScenario : IScenario
{
    public const int DefaultJobs = 1_000_000;
    public const int DefaultUsers = 1_000;

    private static readonly (string Name, string Query)[] Cases =
    [
        ("default (create_time desc)", ""),
        ("sort_by=execution_time", "sort_by=execution_time"),
        ("create_time asc", "sort_order=asc"),
        ("status=completed", "status=completed"),
        ("status=failed", "status=failed"),
        ("status=pending", "status=pending"),
        ("workflow_id", "workflow_id=workflow-3"),
        ("output_type=video", "output_type=video"),
        ("status=completed + execution_time", "status=completed&sort_by=execution_time"),
    ];

    public string Name => "list";

    public string Description => "GET /api/jobs, each filter and sort, first and deep pages over 1M stored jobs";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        var reports = new List<ScenarioReport>();
        await using var bare = await BareKestrel.StartAsync();
        foreach (var store in arguments.Stores)
        {
            var userCount = arguments.Users ?? DefaultUsers;
            var jobsPerUser = Math.Max(1, (arguments.Jobs ?? DefaultJobs) / userCount);
            IReadOnlyList<BenchUser> users = [];
            var seeding = Stopwatch.StartNew();
            await using var gantry = await GantryUnderTest.StartAsync(store, arguments.PostgresConnection, arguments.SettingsOver(null), seed: async seeder =>
            {
                users = await seeder.AddUsersAsync(userCount, "lister", cancellationToken);
                await seeder.AddHistoryAsync(users, jobsPerUser, cancellationToken);
            }, cancellationToken: cancellationToken);
            log.WriteLine($"list {store}: seeded {userCount * jobsPerUser} jobs in {seeding.Elapsed.TotalSeconds:F1} s");

            var report = new ScenarioReport($"List: GET /api/jobs on {store}, {userCount * jobsPerUser:N0} jobs of {userCount:N0} users ({arguments.Seconds:0.#} s per point)");
            report.Notes.Add($"Seeded through SQL in {seeding.Elapsed.TotalSeconds:F0} s (start included); every user has {jobsPerUser} finished jobs " +
                "(80% completed, 12% failed, 8% cancelled; ten workflows). Each request asks as a random user with that user's key; limit 100 (the default).");
            report.Notes.Add("'last page' is offset = that case's total − 100 for user 0 (the deepest page a user can reach).");

            // Every user asks once first, so no measured request pays the first verification of a key (then cached).
            await WarmKeysAsync(gantry, users, cancellationToken);
            report.Notes.Add("Before the cases, every user lists once (limit 1), so key verification is cached as in a running server.");
            using (var probe = LoadHttp.CreateClient(gantry.BaseAddress, users[0].Key))
            {
                var firstPage = await LoadHttp.GetBytesAsync(probe, "api/jobs", cancellationToken);
                bare.SetAnswer("list", firstPage);
                report.Notes.Add($"A default first page is {firstPage.Length:N0} bytes; the baseline answers those bytes.");
            }

            foreach (var clients in arguments.ClientsOr(1))
            {
                log.WriteLine($"list {store}: baseline, {clients} clients");
                var baseline = await HttpLoad.RunGetAsync(bare.BaseAddress, clients, arguments.Duration, _ => null, _ => () => "fixed/list");
                report.Add("bare Kestrel GET (baseline)", $"{clients} clients", baseline);
                foreach (var (name, query) in Cases)
                {
                    var total = await TotalAsync(gantry, users[0], query, cancellationToken);
                    foreach (var offset in new[] { 0, Math.Max(0, total - 100) }.Distinct())
                    {
                        var where = offset == 0 ? "first page" : $"last page (offset {offset})";
                        log.WriteLine($"list {store}: {name}, {where}, {clients} clients");
                        var path = "api/jobs?" + query + (query.Length > 0 ? "&" : "") + "offset=" + offset.ToString(CultureInfo.InvariantCulture);
                        var measured = await RunAsUsersAsync(gantry, users, clients, arguments.Duration, path);
                        report.Add($"gantry {name}", $"{where}, {clients} clients", measured, baseline);
                    }
                }
            }

            reports.Add(report);
        }

        return reports;
    }

    /// <summary>Each request as a random user (its own key), so no single user's pages stay hot in a cache.</summary>
    internal static async Task<LoadResult> RunAsUsersAsync(GantryUnderTest gantry, IReadOnlyList<BenchUser> users, int clients, TimeSpan duration, string path)
    {
        var httpClients = Enumerable.Range(0, clients).Select(_ => LoadHttp.CreateClient(gantry.BaseAddress, null)).ToArray();
        try
        {
            return await LoadRunner.RunAsync(clients, duration, i =>
            {
                var client = httpClients[i];
                var random = new Random(i);
                return async cancellationToken =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, path);
                    request.Headers.Add("X-API-Key", users[random.Next(users.Count)].Key);
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
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

    private static async Task WarmKeysAsync(GantryUnderTest gantry, IReadOnlyList<BenchUser> users, CancellationToken cancellationToken)
    {
        using var client = LoadHttp.CreateClient(gantry.BaseAddress, null);
        foreach (var user in users)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/jobs?limit=1");
            request.Headers.Add("X-API-Key", user.Key);
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
        }
    }

    private static async Task<int> TotalAsync(GantryUnderTest gantry, BenchUser user, string query, CancellationToken cancellationToken)
    {
        using var client = LoadHttp.CreateClient(gantry.BaseAddress, user.Key);
        var body = await LoadHttp.GetBytesAsync(client, "api/jobs?limit=1&" + query, cancellationToken);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("pagination").GetProperty("total").GetInt32();
    }
}
