using System.Net;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Workers.ComfyUi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.EndToEnd;

/// <summary>
/// A real Gantry server whose only workers are scripted fake ComfyUIs (<c>gpu-a</c>, <c>gpu-b</c>, …, from settings),
/// driven by the real dispatcher and ComfyUI worker, with short reconnect and loss delays so faults play out quickly.
/// </summary>
public sealed class FakeWorkerCluster : IAsyncDisposable
{
    private FakeWorkerCluster(GantryTestServer server, IReadOnlyList<FakeComfyUiServer> fakes, TestLog log)
    {
        Server = server;
        Fakes = fakes;
        Log = log;
    }

    public GantryTestServer Server { get; }

    /// <summary>The fakes, in worker-name order: <c>gpu-a</c> is the first.</summary>
    public IReadOnlyList<FakeComfyUiServer> Fakes { get; }

    public TestLog Log { get; }

    public static string NameOf(int index) => $"gpu-{(char)('a' + index)}";

    /// <param name="workers">How many fake ComfyUIs.</param>
    /// <param name="arrange">Set up each fake (by index) before the server first connects to it.</param>
    /// <param name="settings">More server settings (<c>Gantry:Scheduler:MaxAttempts</c>, <c>Gantry:ComfyUi:HistoryWait</c>, …).</param>
    /// <param name="kind">The store.</param>
    /// <param name="log">Where the server logs (a fresh in-memory <see cref="TestLog"/> when null).</param>
    public static async Task<FakeWorkerCluster> StartAsync(
        int workers = 1, Action<int, FakeComfyUiServer>? arrange = null, IReadOnlyDictionary<string, string>? settings = null, StoreKind kind = StoreKind.Sqlite, TestLog? log = null)
    {
        var fakes = new List<FakeComfyUiServer>();
        try
        {
            var all = new Dictionary<string, string>
            {
                ["Gantry:ComfyUi:ReconnectInitialDelay"] = "00:00:00.020",
                ["Gantry:ComfyUi:ReconnectMaxDelay"] = "00:00:00.200",
                ["Gantry:ComfyUi:HistoryRetryDelay"] = "00:00:00.010",
                ["Gantry:ComfyUi:PollInterval"] = "00:00:00.100",
                ["Gantry:ComfyUi:JobLostAfter"] = "00:00:00.300",
                ["Logging:LogLevel:Gantry"] = "Debug",
            };
            for (var i = 0; i < workers; i++)
            {
                var fake = await FakeComfyUiServer.StartAsync(TestContext.Current.CancellationToken);
                fakes.Add(fake);
                arrange?.Invoke(i, fake);
                all[$"Gantry:Workers:ComfyUi:{i}:Name"] = NameOf(i);
                all[$"Gantry:Workers:ComfyUi:{i}:Url"] = fake.BaseAddress.ToString();
            }

            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                all[key] = value;
            }

            log ??= new TestLog();
            var server = await GantryTestServer.StartAsync(kind, all, builder =>
            {
                builder.Logging.AddProvider(log);
                builder.Services.AddSingleton(log);
            });
            return new FakeWorkerCluster(server, fakes, log);
        }
        catch
        {
            foreach (var fake in fakes)
            {
                await fake.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Submits the fakes' text-to-image graph (a checkpoint, a sampler with steps, one SaveImage "9").</summary>
    public static async Task<Guid> SubmitAsync(TestUser user, string graph = ComfyUiWorkerHarness.TextToImage)
    {
        using var response = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(graph)), TestContext.Current.CancellationToken);
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return Guid.Parse(json.GetProperty("prompt_id").GetString()!);
    }

    /// <summary>The run of a job on whichever fake took it, with that fake's index.</summary>
    public async Task<(int Index, FakeRun Run)> RunOfAsync(Guid jobId, IReadOnlyCollection<int>? among = null)
    {
        var indexes = among ?? [.. Enumerable.Range(0, Fakes.Count)];
        var runs = indexes.Select(async i => (i, await Fakes[i].WaitForRunAsync(jobId))).ToList();
        try
        {
            return await (await Task.WhenAny(runs).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        }
        catch (TimeoutException)
        {
            throw new ShouldAssertException($"Job {jobId} never ran on a fake.\n{Log.Tail()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        foreach (var fake in Fakes)
        {
            await fake.DisposeAsync();
        }
    }
}
