using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Gantry.Domain;
using Gantry.Engine;
using Gantry.Engine.FileSystem;
using Gantry.Jobs;
using Gantry.Load.Driving;
using Gantry.Load.Hosting;

namespace Gantry.Load.Scenarios;

/// <summary>
/// End to end on the embedded engine: each client (its own user) submits the trivial graph over HTTP and waits
/// until the job is committed as completed, then submits the next. Baseline: the engine alone validating and
/// running the same graphs in this process, so "added per job" is Gantry's share of the latency.
/// </summary>
public sealed class PipelineScenario : IScenario
{
    public string Name => "pipeline";

    public string Description => "jobs/s end to end and latency added per job with N embedded workers on a trivial graph";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        var reports = new List<ScenarioReport>();
        foreach (var store in arguments.Stores)
        {
            var report = new ScenarioReport($"Pipeline: submit → completed on {store}, trivial graph (PrimitiveInt → PreviewAny), {arguments.Seconds:0.#} s per point");
            report.Notes.Add("Completed means the store committed the job's final state (Gantry's in-process JobSignals.Changed, raised after the commit). " +
                "Each client is its own user and names its prompt_id, so the wait is registered before the submit.");
            log.WriteLine($"pipeline {store}: engine baseline");
            var engine = await RunEngineAloneAsync(arguments.Duration);
            report.Add("engine alone: validate + execute (baseline)", "1 caller", engine);
            foreach (var workers in arguments.Workers)
            {
                var settings = new Dictionary<string, string>
                {
                    ["Gantry:Workers:Embedded"] = workers.ToString(CultureInfo.InvariantCulture),
                    ["Gantry:Limits:MaxQueuedPerUser"] = "0",
                };
                await using var gantry = await GantryUnderTest.StartAsync(store, arguments.PostgresConnection, arguments.SettingsOver(settings), cancellationToken: cancellationToken);
                var clientCounts = arguments.ClientsOr(1, 16, 64);
                var users = await gantry.AddUsersAsync(clientCounts.Max(), "pipeline", cancellationToken);
                var waits = new ConcurrentDictionary<Guid, TaskCompletionSource<long>>();
                var stages = new StageTimes();
                gantry.GetService<JobSignals>().Changed += job =>
                {
                    stages.Changed(job);
                    if (JobStateMachine.IsTerminal(job.State) && waits.TryRemove(job.Id, out var wait))
                    {
                        wait.TrySetResult(job.State == JobState.Succeeded ? Stopwatch.GetTimestamp() : -1);
                    }
                };

                foreach (var clients in clientCounts)
                {
                    log.WriteLine($"pipeline {store}: {workers} workers, {clients} clients");
                    var httpClients = Enumerable.Range(0, clients).Select(i => LoadHttp.CreateClient(gantry.BaseAddress, users[i].Key)).ToArray();
                    try
                    {
                        var counters = CommitCounters.Read(gantry.Store);
                        var clock = Stopwatch.StartNew();
                        var result = await LoadRunner.RunAsync(clients, arguments.Duration, i =>
                        {
                            var client = httpClients[i];
                            var value = i * 1_000_000_000L;
                            return async cancellationToken =>
                            {
                                var id = Guid.NewGuid();
                                var wait = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                                waits[id] = wait;
                                var body = BenchGraphs.SubmitBodyWith(value++, id);
                                stages.Submitting(id);
                                if (!await LoadHttp.PostJsonAsync(client, "api/prompt", body, cancellationToken))
                                {
                                    waits.TryRemove(id, out _);
                                    stages.Forget(id);
                                    return false;
                                }

                                return await wait.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken) > 0;
                            };
                        });
                        var point = $"{workers} workers, {clients} clients";
                        report.Notes.Add($"{point}: {CommitCounters.Read(gantry.Store).Since(counters, clock.Elapsed)}; {stages.TakeSummary()}.");
                        report.Add("gantry submit → completed", point, result, unit: "jobs");
                        report.Add("latency Gantry adds (p50, p99 minus the engine's p50)", point,
                            result with { P50Ms = result.P50Ms - engine.P50Ms, P99Ms = result.P99Ms - engine.P50Ms, MaxMs = result.MaxMs - engine.P50Ms });
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

            reports.Add(report);
        }

        return reports;
    }

    private static async Task<LoadResult> RunEngineAloneAsync(TimeSpan duration)
    {
        var root = Path.Combine(Path.GetTempPath(), "gantry-load-engine-" + Guid.NewGuid().ToString("N")[..8]);
        var folders = EngineFolders.Under(root);
        folders.EnsureCreated();
        try
        {
            var engine = ComfyEngine.CreateDefault(folders);
            var value = 0L;
            return await LoadRunner.RunAsync(1, duration, _ => async cancellationToken =>
            {
                var validation = engine.Validate(BenchGraphs.PromptWith(value++));
                var result = await engine.ExecuteAsync(
                    new Gantry.Engine.Execution.ExecutionRequest
                    {
                        Prompt = validation.Prompt!,
                        PromptId = Guid.NewGuid().ToString("D"),
                        OutputsToExecute = validation.Outputs,
                        Folders = folders,
                    },
                    null,
                    cancellationToken);
                return result is not null;
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
