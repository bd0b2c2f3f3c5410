using System.Diagnostics;
using System.Net;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Scheduling;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.Fuzz;

/// <summary>
/// A seeded, bounded mutation fuzzer over every route the app serves (read from its endpoints, so new routes are
/// covered without a change here) and over raw WebSocket frames to <c>/ws</c>. It asserts no answer is a 5xx, no
/// request is logged as a failure, the server keeps answering, and its managed heap after a forced collection
/// stays within a bound. The seed and sizes are printed and come from <see cref="FuzzSettings"/>.
/// </summary>
public sealed class RouteFuzzTests : IAsyncLifetime
{
    /// <summary>How far the managed heap (after a full collection) may grow over a run.</summary>
    private const long HeapGrowthBound = 256L * 1024 * 1024;

    private readonly LogRecorder _log = new(LogLevel.Error);
    private GantryTestServer? _server;

    private GantryTestServer Server => _server!;

    public async ValueTask InitializeAsync()
        => _server = await GantryTestServer.StartAsync(StoreKind.Sqlite, configure: builder => builder.Logging.AddProvider(_log));

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task No_mutated_request_to_any_route_gets_a_5xx_or_takes_the_server_down()
    {
        var settings = FuzzSettings.FromEnvironment();
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"Fuzzing with {settings}");
        var random = new Random(settings.Seed);
        using var user = await Server.CreateUserAsync("fuzz-user");
        var targets = new FuzzTargets(user.Key, Server.AdminKey, await JobWaiter.SubmitAsync(user.Client, TestWorkflows.Simple));
        var routes = RouteCatalog.Read(Server.App.Services);
        output?.WriteLine($"{routes.Count} routes: {string.Join(", ", routes)}");
        routes.Count.ShouldBeGreaterThan(30);

        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var baseline = Heap();
        var findings = new List<string>();
        var known = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        var done = 0;
        for (; done < settings.Iterations && clock.Elapsed < settings.Budget; done++)
        {
            var route = routes[done % routes.Count];
            int status;
            string description;
            string kind;
            if (done % 20 == 19)
            {
                (status, description) = await WebSocketFuzzer.RunAsync(random, Server.BaseAddress, user.Key, TestContext.Current.CancellationToken);
                kind = "websocket";
            }
            else
            {
                var request = FuzzRequests.Build(random, route, targets);
                (description, kind) = (request.Description, request.Kind);
                status = await SendAsync(http, request.Message);
            }

            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500)
            {
                var line = $"#{done} {status} {description}";
                if (KnownIssues.OwnerOf(route, kind) is { } owner)
                {
                    known.Add($"{line} (known, {owner})");
                }
                else
                {
                    findings.Add(line);
                }
            }

            if (done % 100 == 99)
            {
                await ShouldBeAliveAsync(http, done, description);
            }
        }

        await ShouldBeAliveAsync(http, done, "the end of the run");
        var growth = Heap() - baseline;
        output?.WriteLine($"{done} requests in {clock.Elapsed.TotalSeconds:0.0} s; statuses {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; heap growth {growth / 1024 / 1024} MB");
        foreach (var line in known)
        {
            output?.WriteLine(line);
        }

        findings.ShouldBeEmpty($"seed {settings.Seed}: {findings.Count} requests got a 5xx");
        // Each known 5xx is one "unhandled exception" entry of Kestrel's; every other failure entry is a finding.
        var errors = _log.Failures.Where(e => e.Level >= LogLevel.Error).ToList();
        var unhandled = errors.Where(IsUnhandled).ToList();
        var failures = errors.Where(e => !IsUnhandled(e)).Concat(unhandled.Skip(known.Count)).Select(e => e.ToString()).ToList();
        failures.ShouldBeEmpty($"seed {settings.Seed}: logged as failures");
        growth.ShouldBeLessThan(HeapGrowthBound, $"seed {settings.Seed}: the managed heap grew by {growth / 1024 / 1024} MB");
        done.ShouldBeGreaterThan(Math.Min(settings.Iterations, routes.Count) - 1, "the run ended before every route was fuzzed once");
    }

    private static bool IsUnhandled(LogEntry entry) => entry.Category == "Microsoft.AspNetCore.Server.Kestrel" && entry.EventId == 13;

    private static async Task<int> SendAsync(HttpClient http, HttpRequestMessage message)
    {
        using (message)
        {
            try
            {
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
                return (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return 0;   // the server refused the request at the protocol level (e.g. a header too large) and closed
            }
        }
    }

    private async Task ShouldBeAliveAsync(HttpClient http, int done, string after)
    {
        using var health = await http.GetAsync(new Uri(Server.BaseAddress, "healthz"), TestContext.Current.CancellationToken);
        health.StatusCode.ShouldBe(HttpStatusCode.OK, $"the server stopped answering after request #{done}: {after}");
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
