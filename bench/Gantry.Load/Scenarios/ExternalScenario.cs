using System.Text.Json;
using Gantry.Load.Driving;
using Gantry.Load.Hosting;
using Gantry.Load.Seeding;

namespace Gantry.Load.Scenarios;

/// <summary>
/// The reads, the list and the submit measured from outside (issue 17 item 6): <c>gantry serve</c> and the bare Kestrel
/// baseline each as their own process, driven by <c>wrk</c> (one thread) in a third, so no client shares a thread pool
/// with a server. The baseline answers the same bytes Gantry answered for the same request.
/// </summary>
public sealed class ExternalScenario : IScenario
{
    private const int DefaultUsers = 64;
    private const int DefaultJobs = 100_000;
    private const int JobsReadPerUser = 10;

    public string Name => "external";

    public string Description => "status, detail, list and submit driven by wrk against gantry serve and bare Kestrel, each its own process";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        if (!Wrk.IsInstalled())
        {
            throw new InvalidOperationException("The external scenario needs wrk on the PATH: bench/install-load-tools.sh installs it.");
        }

        var reports = new List<ScenarioReport>();
        foreach (var store in arguments.Stores)
        {
            reports.Add(await RunOnAsync(store, arguments, log, cancellationToken));
        }

        return reports;
    }

    private static async Task<ScenarioReport> RunOnAsync(StoreChoice store, LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        var userCount = arguments.Users ?? DefaultUsers;
        var jobsPerUser = Math.Max(JobsReadPerUser, (arguments.Jobs ?? DefaultJobs) / userCount);
        IReadOnlyList<BenchUser> users = [];
        log.WriteLine($"external {store}: seeding {userCount * jobsPerUser:N0} jobs of {userCount} users");
        await using var prepared = await GantryUnderTest.PrepareAsync(store, arguments.PostgresConnection, async seeder =>
        {
            users = await seeder.AddUsersAsync(userCount, "external", cancellationToken);
            await seeder.AddHistoryAsync(users, jobsPerUser, cancellationToken);
        }, cancellationToken);

        var settings = arguments.SettingsOver(new Dictionary<string, string>
        {
            // wrk drives each key far past the per-key rate limit: the figures are capacity.
            ["Gantry:Security:RequestsPerSecondPerKey"] = "0",
            ["Gantry:Limits:MaxQueuedPerUser"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await using var gantry = await ServeProcess.StartAsync(prepared.ServeArguments.Concat(settings.Select(s => $"--{s.Key}={s.Value}")), cancellationToken);
        var jobs = await JobsOfAsync(gantry.BaseAddress, users, cancellationToken);

        var cases = new[]
        {
            new Case("status", "GET /api/job/{id}/status", users.SelectMany(u => jobs[u].Select(job => Get(u, $"/api/job/{job}/status"))).ToList()),
            new Case("detail", "GET /api/jobs/{id}", users.SelectMany(u => jobs[u].Select(job => Get(u, $"/api/jobs/{job}"))).ToList()),
            new Case("list", "GET /api/jobs (first page of 100)", users.Select(u => Get(u, "/api/jobs")).ToList()),

            // Last: every submit adds a queued job (no workers run), which the reads would then walk past.
            new Case("prompt", "POST /api/prompt", users.Select(u => new WrkRequest(
                "POST", "/api/prompt", new Dictionary<string, string> { ["X-API-Key"] = u.Key, ["Content-Type"] = "application/json" }, BenchGraphs.SubmitBody)).ToList()),
        };

        var answers = Path.Combine(prepared.DataDirectory, "bare-answers");
        Directory.CreateDirectory(answers);
        var report = new ScenarioReport($"External: wrk against gantry serve on {store} and bare Kestrel, each its own process ({Math.Max(1, Math.Ceiling(arguments.Seconds)):0} s per point)");
        foreach (var item in cases)
        {
            var answer = await AnswerAsync(gantry.BaseAddress, item.Requests[0], cancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(answers, item.Name), answer, cancellationToken);
            report.Notes.Add($"{item.Label} answers {answer.Length:N0} bytes; the baseline answers the same bytes.");
        }

        await using var bare = await ServeProcess.StartBareKestrelAsync(answers, cancellationToken);
        report.Notes.Add($"{userCount} users with {jobsPerUser:N0} finished jobs each ({userCount * jobsPerUser:N0} in all); the requests rotate over the users' keys " +
            $"(and {JobsReadPerUser} jobs each for status and detail); the per-key rate limit is off and the per-user queue cap raised, so neither refuses; no workers run.");
        report.Notes.Add("wrk -t1 -cN --latency with a Lua script that hands out the requests in turn; each request is warmed for 1 s at 16 connections on both servers first, not counted.");
        report.Notes.Add("Server CPU per request: the server process's CPU time (user and system) over the point, divided by the requests it answered; " +
            "less sensitive to a busy machine than throughput. Its ratio is Gantry's CPU per request over the baseline's (lower is better).");
        report.Notes.Add($"Machine load average at the start: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (2 cores shared by wrk, both servers{(store == StoreChoice.Postgres ? " and PostgreSQL" : "")}).");

        foreach (var item in cases)
        {
            var baselineRequests = item.Requests.Take(1)
                .Select(r => r with { Path = "/fixed/" + item.Name, Headers = r.Body is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Content-Type"] = "application/json" } })
                .ToList();
            await Wrk.RunAsync(bare.BaseAddress, 16, TimeSpan.FromSeconds(1), baselineRequests, cancellationToken);
            await Wrk.RunAsync(gantry.BaseAddress, 16, TimeSpan.FromSeconds(1), item.Requests, cancellationToken);
            foreach (var clients in arguments.ClientsOr(1, 16, 64))
            {
                log.WriteLine($"external {store}: {item.Name}, {clients} connections");
                var (baseline, bareCpu) = await RunCountingCpuAsync(bare, clients, arguments.Duration, baselineRequests, cancellationToken);
                var (measured, gantryCpu) = await RunCountingCpuAsync(gantry, clients, arguments.Duration, item.Requests, cancellationToken);
                report.Add($"bare Kestrel {item.Name} (baseline)", $"{clients} connections", baseline);
                report.Add($"gantry {item.Label}", $"{clients} connections", measured, baseline);
                report.Amounts.Add(new Amount($"bare Kestrel {item.Name} (baseline), server CPU per request", $"{clients} connections", bareCpu, "µs"));
                report.Amounts.Add(new Amount($"gantry {item.Label}, server CPU per request", $"{clients} connections", gantryCpu, "µs", gantryCpu / bareCpu));
            }
        }

        return report;
    }

    /// <summary>One wrk point, and the CPU the server spent per request answered, in µs.</summary>
    private static async Task<(LoadResult Result, double CpuMicroseconds)> RunCountingCpuAsync(
        ServeProcess server, int clients, TimeSpan duration, IReadOnlyList<WrkRequest> requests, CancellationToken cancellationToken)
    {
        var before = server.CpuTime();
        var result = await Wrk.RunAsync(server.BaseAddress, clients, duration, requests, cancellationToken);
        var spent = server.CpuTime() - before;
        return (result, result.Count > 0 ? spent.TotalMicroseconds / result.Count : 0);
    }

    private static WrkRequest Get(BenchUser user, string path) => new("GET", path, new Dictionary<string, string> { ["X-API-Key"] = user.Key });

    /// <summary>The first jobs of each user's history, read through the API (the seeder does not return their ids).</summary>
    private static async Task<Dictionary<BenchUser, List<Guid>>> JobsOfAsync(Uri server, IReadOnlyList<BenchUser> users, CancellationToken cancellationToken)
    {
        var jobs = new Dictionary<BenchUser, List<Guid>>();
        foreach (var user in users)
        {
            using var client = LoadHttp.CreateClient(server, user.Key);
            using var page = JsonDocument.Parse(await LoadHttp.GetBytesAsync(client, $"api/jobs?limit={JobsReadPerUser}", cancellationToken));
            jobs[user] = [.. page.RootElement.GetProperty("jobs").EnumerateArray().Select(job => Guid.Parse(job.GetProperty("id").GetString()!))];
        }

        return jobs;
    }

    /// <summary>What Gantry answers to the request, so the baseline can answer the same bytes.</summary>
    private static async Task<byte[]> AnswerAsync(Uri server, WrkRequest request, CancellationToken cancellationToken)
    {
        using var client = LoadHttp.CreateClient(server, null);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path.TrimStart('/'));
        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = new("application/json");
        }

        foreach (var (name, value) in request.Headers.Where(h => h.Key != "Content-Type"))
        {
            message.Headers.Add(name, value);
        }

        using var response = await client.SendAsync(message, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    private sealed record Case(string Name, string Label, IReadOnlyList<WrkRequest> Requests);
}
