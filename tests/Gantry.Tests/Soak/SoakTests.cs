using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Gantry.Domain;
using Gantry.Jobs;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.EndToEnd;
using Gantry.Tests.Events;
using Gantry.Tests.Fuzz;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Workers.ComfyUi;
using SkiaSharp;

namespace Gantry.Tests.Soak;

/// <summary>
/// A soak: several users at once submit, cancel, read, upload and open sockets against a server whose workers are
/// scripted fake ComfyUIs that drop their sockets and restart now and then. Asserts no answer is a 5xx, every
/// acknowledged job ends (nothing lost, nothing stuck), queues end empty, and the managed heap is flat between the
/// first and the second half. Tens of seconds by default; minutes with <c>GANTRY_TEST_FULL=1</c> or <c>GANTRY_SOAK_SECONDS</c>.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed partial class SoakTests
{
    private const int Users = 3;

    /// <summary>How far the managed heap may grow from the end of the first half to the end of the run.</summary>
    private const long HeapGrowthBound = 96L * 1024 * 1024;

    private static readonly byte[] Png = TestFiles.Png(3, 3, SKColors.Navy);

    [Fact]
    public async Task Mixed_load_with_worker_faults_loses_nothing_leaves_nothing_stuck_and_keeps_memory_flat()
    {
        var settings = FuzzSettings.FromEnvironment();
        var duration = SoakDuration(settings);
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"Soak for {duration.TotalSeconds:0} s (GANTRY_SOAK_SECONDS), seed {settings.Seed} (GANTRY_FUZZ_SEED)");
        // Every line goes to a file under artifacts/, so a job that never ends can be followed from its submit.
        using var log = new TestLog(Path.Combine(RepositoryPaths.Root, "artifacts", "soak", $"soak-{settings.Seed}-{Environment.ProcessId}.log"));
        await using var cluster = await FakeWorkerCluster.StartAsync(workers: 2, log: log);
        var users = new List<TestUser>();
        for (var i = 0; i < Users; i++)
        {
            users.Add(await cluster.Server.CreateUserAsync());
        }

        var acknowledged = new ConcurrentBag<Guid>();
        var failures = new ConcurrentQueue<string>();
        var actions = 0;
        var half = duration / 2;
        await RunPhaseAsync(cluster, users, settings.Seed, half, acknowledged, failures, () => Interlocked.Increment(ref actions));
        await AllEndedAsync(cluster, acknowledged);
        var baseline = Heap();
        await RunPhaseAsync(cluster, users, settings.Seed + 1, half, acknowledged, failures, () => Interlocked.Increment(ref actions));
        await AllEndedAsync(cluster, acknowledged);
        var growth = Heap() - baseline;
        output?.WriteLine($"{actions} actions, {acknowledged.Count} acknowledged jobs, heap growth over the second half {growth / 1024 / 1024} MB");

        failures.ShouldBeEmpty();
        acknowledged.Count.ShouldBeGreaterThan(0);
        foreach (var user in users)
        {
            using var queue = await user.Client.GetAsync("api/queue", TestContext.Current.CancellationToken);
            var json = await queue.ShouldBeJsonAsync(HttpStatusCode.OK);
            json.GetProperty("queue_running").GetArrayLength().ShouldBe(0);
            json.GetProperty("queue_pending").GetArrayLength().ShouldBe(0);
        }

        growth.ShouldBeLessThan(HeapGrowthBound);
        foreach (var user in users)
        {
            user.Dispose();
        }

        // Passed: the whole log is only kept for a failure (lines after this are dropped).
        log.Dispose();
        File.Delete(log.FilePath!);
    }

    private static TimeSpan SoakDuration(FuzzSettings settings)
        => int.TryParse(Environment.GetEnvironmentVariable("GANTRY_SOAK_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(settings.Full ? 240 : 24);

    private static Task RunPhaseAsync(
        FakeWorkerCluster cluster, List<TestUser> users, int seed, TimeSpan duration, ConcurrentBag<Guid> acknowledged, ConcurrentQueue<string> failures, Func<int> count)
        => Task.WhenAll(users.Select((user, index) => Task.Run(async () =>
        {
            var random = new Random(seed * 31 + index);
            var mine = new List<Guid>();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                var action = count();
                if (action % 40 == 0)
                {
                    cluster.Fakes[action / 40 % cluster.Fakes.Count].DropSockets();
                }
                else if (action % 250 == 0)
                {
                    await cluster.Fakes[action / 250 % cluster.Fakes.Count].RestartAsync(TestContext.Current.CancellationToken);
                }

                var (status, what) = await ActAsync(random, cluster.Server, user, mine, acknowledged);
                if (status >= 500)
                {
                    failures.Enqueue($"user {index} action {action}: {status} {what}");
                }
            }
        })));

    /// <summary>One random action of a user; returns the HTTP status it got (101 for a socket that opened) and, for a 5xx, the request and body.</summary>
    private static async Task<(int Status, string What)> ActAsync(Random random, GantryTestServer server, TestUser user, List<Guid> mine, ConcurrentBag<Guid> acknowledged)
    {
        var ct = TestContext.Current.CancellationToken;
        switch (random.Next(10))
        {
            case 0 or 1 or 2:
                {
                    using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(ComfyUiWorkerHarness.TextToImage)), ct);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var id = Guid.Parse((await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("prompt_id").GetString()!);
                        mine.Add(id);
                        acknowledged.Add(id);
                    }

                    return await OutcomeAsync(response);
                }

            case 3 when mine.Count > 0:
                {
                    using var response = await user.Client.PostAsync($"api/jobs/{mine[random.Next(mine.Count)]}/cancel", null, ct);
                    return await OutcomeAsync(response);
                }

            case 4:
                {
                    using var form = UploadApiTests.Form($"soak{random.Next(4)}.png", Png, subfolder: random.Next(2) == 0 ? "" : "soak");
                    using var response = await user.Client.PostAsync("upload/image", form, ct);
                    return await OutcomeAsync(response);
                }

            case 5:
                {
                    try
                    {
                        var (socket, _) = await TestSocket.OpenAsync(server, user.Key);
                        await socket.DisposeAsync();
                        return (101, "");
                    }
                    catch (WebSocketException refused) when (HandshakeStatus().Match(refused.Message) is { Success: true } status)
                    {
                        // A refused handshake is an answer like any other (429: the user opened sockets faster than the
                        // per-user limit allows); only a 5xx is a failure.
                        return (int.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture), $"GET /ws: {refused.Message}");
                    }
                }

            default:
                {
                    var path = random.Next(5) switch
                    {
                        0 => "api/jobs?limit=20",
                        1 => "history?max_items=20",
                        2 => "api/queue",
                        3 when mine.Count > 0 => $"api/job/{mine[random.Next(mine.Count)]}/status",
                        _ => "api/history_v2?limit=10",
                    };
                    using var response = await user.Client.GetAsync(path, ct);
                    return await OutcomeAsync(response);
                }
        }
    }

    private static async Task<(int Status, string What)> OutcomeAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        return status < 500
            ? (status, "")
            : (status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Waits, on the job signals, until every acknowledged job is stored and ended; says which are not when they never do.</summary>
    private static async Task AllEndedAsync(FakeWorkerCluster cluster, ConcurrentBag<Guid> ids)
    {
        var server = cluster.Server;
        var signals = server.GetService<JobSignals>();
        var changed = new SemaphoreSlim(0);
        void OnChanged(JobRecord job)
        {
            if (JobStateMachine.IsTerminal(job.State))
            {
                changed.Release();
            }
        }

        signals.Changed += OnChanged;
        try
        {
            using var timeout = new CancellationTokenSource(TestTimeouts.Default * 2);
            while (true)
            {
                var open = new List<string>();
                var openIds = new List<string>();
                foreach (var id in ids.Distinct())
                {
                    var job = await server.Store.GetJobAsync(id, CancellationToken.None);
                    if (job is null || !JobStateMachine.IsTerminal(job.State))
                    {
                        open.Add($"{id}: {job?.State.ToString() ?? "lost"}");
                        openIds.Add(id.ToString());
                    }
                }

                if (open.Count == 0)
                {
                    return;
                }

                try
                {
                    await changed.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new ShouldAssertException($"{open.Count} acknowledged jobs never ended: {string.Join(", ", open.Take(20))}\n{cluster.Log.Mentioning(openIds.Take(20).Concat(openIds.Take(20).Select(i => i.Replace("-", "", StringComparison.Ordinal))))}");
                }
            }
        }
        finally
        {
            signals.Changed -= OnChanged;
        }
    }

    [GeneratedRegex(@"status code '(\d{3})'")]
    private static partial Regex HandshakeStatus();

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>
/// The soak runs alone, after the parallel tests: its heap check reads the whole test process's managed heap, which
/// another test's live buffers would otherwise count (a clean-clone run saw 543 MB "growth" that was not the soak's).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "Soak (alone)";
}
