using System.Text.Json;
using Gantry.Load.Driving;
using Gantry.Load.Hosting;
using Gantry.Load.Seeding;

namespace Gantry.Load.Scenarios;

/// <summary>
/// Submit and status-read throughput with one <c>gantry serve</c> process against two on the same PostgreSQL
/// database (issue 13 item 8): the same clients, spread over the instances round-robin. The one-instance figure is
/// the baseline of the same run; both instances are separate processes, as the driver is.
/// </summary>
public sealed class InstancesScenario : IScenario
{
    private const int DefaultUsers = 200;

    public string Name => "instances";

    public string Description => "POST /api/prompt and GET /api/job/{id}/status with one vs two gantry serve processes on one PostgreSQL";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        IReadOnlyList<BenchUser> users = [];
        await using var prepared = await GantryUnderTest.PrepareAsync(
            StoreChoice.Postgres, arguments.PostgresConnection, async seeder => users = await seeder.AddUsersAsync(arguments.Users ?? DefaultUsers, "instance", cancellationToken), cancellationToken);
        var serve = prepared.ServeArguments.Concat(
            arguments.SettingsOver(new Dictionary<string, string> { ["Gantry:Limits:MaxQueuedPerUser"] = "1000000" }).Select(s => $"--{s.Key}={s.Value}")).ToList();
        var report = new ScenarioReport($"Instances: one against two gantry serve processes on Postgres ({arguments.Seconds:0.#} s per point)");
        report.Notes.Add($"{users.Count} users; both processes run throughout and first take 2 s of each request at 16 clients, not counted (a fresh process compiles its paths); at each point '1 instance' sends everything to the first process (the second idles as a follower) and '2 instances', measured right after, sends client i to process i mod 2, with a rotating user's key; no workers run, so submitted jobs stay queued; the per-user queue cap is raised so it never refuses.");
        report.Notes.Add($"Machine load average at the start: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (2 cores shared with the driver and PostgreSQL).");

        // Both processes run throughout; "1 instance" sends every request to the first (the second idles as a
        // follower), "2 instances" spreads them. The two are measured back to back at each point, so the queue that
        // grows with every submit (no workers run) weighs on both alike.
        await using var first = await ServeProcess.StartAsync(serve, cancellationToken);
        await using var second = await ServeProcess.StartAsync(serve, cancellationToken);
        var jobs = await SubmitOneEachAsync(first.BaseAddress, users, cancellationToken);
        Uri[] one = [first.BaseAddress];
        Uri[] both = [first.BaseAddress, second.BaseAddress];
        await WarmUpAsync(both, users, jobs);
        var results = new Dictionary<(string What, int Clients, int Instances), LoadResult>();
        var cpu = new Dictionary<(string What, int Clients, int Instances), string>();
        (string, ServeProcess)[] processes = [($"first ({await RoleAsync(first)})", first), ($"second ({await RoleAsync(second)})", second)];
        async Task MeasureAsync(string what, int clients, int instances, Func<Task<LoadResult>> run)
        {
            var shares = CpuShares.Start(processes);
            results[(what, clients, instances)] = await run();
            cpu[(what, clients, instances)] = shares.Describe();
        }

        foreach (var clients in arguments.ClientsOr(16, 64))
        {
            log.WriteLine($"instances: {clients} clients");
            await MeasureAsync("submit", clients, 1, () => SubmitAsync(one, users, clients, arguments.Duration));
            await MeasureAsync("submit", clients, 2, () => SubmitAsync(both, users, clients, arguments.Duration));
            await MeasureAsync("status", clients, 1, () => StatusAsync(one, jobs, clients, arguments.Duration));
            await MeasureAsync("status", clients, 2, () => StatusAsync(both, jobs, clients, arguments.Duration));
        }

        foreach (var clients in arguments.ClientsOr(16, 64))
        {
            foreach (var what in new[] { "submit", "status" })
            {
                var label = what == "submit" ? "POST /api/prompt" : "GET /api/job/{id}/status";
                var single = results[(what, clients, 1)];
                report.Add($"{label}, 1 instance (baseline)", $"{clients} clients", single);
                report.Add($"{label}, 2 instances", $"{clients} clients", results[(what, clients, 2)], single);
            }
        }

        foreach (var ((what, clients, instances), line) in cpu)
        {
            report.Notes.Add($"CPU during {what}, {instances} instance{(instances == 1 ? "" : "s")}, {clients} clients: {line}.");
        }

        foreach (var (name, process) in processes)
        {
            report.Notes.Add($"The {name} process logged {process.WarningCount} warnings and errors" +
                (process.WarningCount == 0 ? "." : ": " + string.Join(" / ", process.Warnings.Take(6).Select(l => l.Trim()))));
        }

        return [report];
    }

    /// <summary>What <c>/readyz</c> says the process is: leader or follower.</summary>
    private static async Task<string> RoleAsync(ServeProcess process)
    {
        using var client = LoadHttp.CreateClient(process.BaseAddress, null);
        return (await client.GetStringAsync("readyz")).Trim();
    }

    /// <summary>Two seconds of each request through every instance, not counted: a fresh process compiles its paths first.</summary>
    private static async Task WarmUpAsync(Uri[] servers, IReadOnlyList<BenchUser> users, IReadOnlyList<(BenchUser User, Guid Job)> jobs)
    {
        await SubmitAsync(servers, users, 16, TimeSpan.FromSeconds(2));
        await StatusAsync(servers, jobs, 16, TimeSpan.FromSeconds(2));
    }

    /// <summary>One job per user through one instance: the jobs the status reads ask about.</summary>
    private static async Task<IReadOnlyList<(BenchUser User, Guid Job)>> SubmitOneEachAsync(Uri server, IReadOnlyList<BenchUser> users, CancellationToken cancellationToken)
    {
        var jobs = new List<(BenchUser, Guid)>(users.Count);
        using var client = LoadHttp.CreateClient(server, null);
        foreach (var user in users)
        {
            using var request = SubmitRequest(user);
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var answer = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            jobs.Add((user, Guid.Parse(answer.RootElement.GetProperty("prompt_id").GetString()!)));
        }

        return jobs;
    }

    private static HttpRequestMessage SubmitRequest(BenchUser user)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/prompt") { Content = new ByteArrayContent(BenchGraphs.SubmitBody) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-API-Key", user.Key);
        return request;
    }

    private static Task<LoadResult> SubmitAsync(Uri[] servers, IReadOnlyList<BenchUser> users, int clients, TimeSpan duration)
        => RunAsync(servers, clients, duration, async (next, client, cancellationToken) =>
        {
            using var request = SubmitRequest(users[next % users.Count]);
            return await SendAsync(client, request, cancellationToken);
        });

    private static Task<LoadResult> StatusAsync(Uri[] servers, IReadOnlyList<(BenchUser User, Guid Job)> jobs, int clients, TimeSpan duration)
        => RunAsync(servers, clients, duration, async (next, client, cancellationToken) =>
        {
            var (user, job) = jobs[next % jobs.Count];
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/job/{job}/status");
            request.Headers.Add("X-API-Key", user.Key);
            return await SendAsync(client, request, cancellationToken);
        });

    private static async Task<bool> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Client i talks to server i mod n, and walks the users (or jobs) from i in steps of the client count.</summary>
    private static async Task<LoadResult> RunAsync(Uri[] servers, int clients, TimeSpan duration, Func<int, HttpClient, CancellationToken, Task<bool>> send)
    {
        var httpClients = Enumerable.Range(0, clients).Select(i => LoadHttp.CreateClient(servers[i % servers.Length], null)).ToArray();
        try
        {
            return await LoadRunner.RunAsync(clients, duration, i =>
            {
                var client = httpClients[i];
                var next = i;
                return cancellationToken =>
                {
                    var mine = next;
                    next += clients;
                    return send(mine, client, cancellationToken);
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
}
