using System.Net;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Jobs;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.Scheduling;

/// <summary>A server that runs jobs: one embedded worker on the built-in engine plus the test nodes (a gate, a failure, files, previews).</summary>
public abstract class EmbeddedServerFixture(StoreKind kind, IReadOnlyDictionary<string, string>? settings = null) : IAsyncLifetime, IServerFixture
{
    private GantryTestServer? _server;

    public StoreKind Kind { get; } = kind;

    public string? SkipReason { get; private set; }

    public GantryTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>The server's recent Gantry log lines (debug and up).</summary>
    public TestLog Log { get; } = new();

    public async ValueTask InitializeAsync()
    {
        SkipReason = Kind == StoreKind.Postgres ? PostgresTestDatabase.SkipReason : null;
        if (SkipReason is null)
        {
            var all = new Dictionary<string, string> { ["Gantry:Workers:Embedded"] = "1" };
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                all[key] = value;
            }

            all["Logging:LogLevel:Gantry"] = "Debug";
            _server = await GantryTestServer.StartAsync(Kind, all, builder =>
            {
                builder.Services.AddSingleton(EngineTestNodes.Catalog());
                builder.Logging.AddProvider(Log);
                builder.Services.AddSingleton(Log);
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class EmbeddedSqliteServerFixture() : EmbeddedServerFixture(StoreKind.Sqlite);

public sealed class EmbeddedPostgresServerFixture() : EmbeddedServerFixture(StoreKind.Postgres);

/// <summary>Waits for jobs through the HTTP API, checking again on every committed change (no sleeping).</summary>
public static class JobWaiter
{
    public const string PrimitivesWorkflow = """
        {"1": {"class_type": "PrimitiveString", "inputs": {"value": "hello"}},
         "2": {"class_type": "PrimitiveString", "inputs": {"value": " world"}},
         "3": {"class_type": "StringConcatenate", "inputs": {"string_a": ["1", 0], "string_b": ["2", 0], "delimiter": ""}},
         "4": {"class_type": "PreviewAny", "inputs": {"source": ["3", 0]}}}
        """;

    /// <summary>Polls <c>/api/job/{id}/status</c> whenever a job changes until the status is <paramref name="status"/>; returns the body.</summary>
    /// <param name="within">How long to wait (default <see cref="TestTimeouts.Default"/>); longer only for jobs whose work is large by design.</param>
    public static async Task<JsonElement> StatusAsync(GantryTestServer server, HttpClient client, Guid id, string status, TimeSpan? within = null)
    {
        var signals = server.GetService<JobSignals>();
        var changed = new SemaphoreSlim(0);
        void OnChanged(JobRecord job)
        {
            if (job.Id == id)
            {
                changed.Release();
            }
        }

        signals.Changed += OnChanged;
        try
        {
            using var timeout = new CancellationTokenSource(within ?? TestTimeouts.Default);
            string? last = null;
            while (true)
            {
                using var response = await client.GetAsync($"api/job/{id}/status", timeout.Token);
                var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
                last = json.GetProperty("status").GetString();
                if (last == status)
                {
                    return json;
                }

                try
                {
                    await changed.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new ShouldAssertException($"Job {id} did not become '{status}'; it is '{last}': {json}\n{LogTail(server)}");
                }
            }
        }
        finally
        {
            signals.Changed -= OnChanged;
        }
    }

    /// <summary>Waits until the stored job is in <paramref name="state"/> (the Cloud status says "cancelled" already while cancelling).</summary>
    public static async Task<JobRecord> StateAsync(GantryTestServer server, Guid id, JobState state)
    {
        var signals = server.GetService<JobSignals>();
        var reached = new TaskCompletionSource<JobRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(JobRecord job)
        {
            if (job.Id == id && job.State == state)
            {
                reached.TrySetResult(job);
            }
        }

        signals.Changed += OnChanged;
        try
        {
            var current = await server.Store.GetJobAsync(id, CancellationToken.None);
            return current?.State == state ? current : await reached.Task.WaitAsync(TestTimeouts.Default);
        }
        finally
        {
            signals.Changed -= OnChanged;
        }
    }

    /// <summary>The server's recent log lines, when it keeps them (<see cref="EmbeddedServerFixture"/> does).</summary>
    public static string LogTail(GantryTestServer server) => server.App.Services.GetService<TestLog>()?.Tail() ?? "(no log kept)";

    /// <summary>Waits until a job reaches the gate, saying what the server did if it never does.</summary>
    public static async Task ReachedAsync(GantryTestServer server, TestGate gate)
    {
        try
        {
            await gate.WaitReachedAsync();
        }
        catch (TimeoutException)
        {
            throw new ShouldAssertException($"No job reached the gate.\n{LogTail(server)}");
        }
    }

    public static async Task<Guid> SubmitAsync(HttpClient client, string workflow)
    {
        using var response = await client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(workflow)));
        var json = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        return Guid.Parse(json.GetProperty("prompt_id").GetString()!);
    }

    public static async Task<JsonElement> DetailAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"api/jobs/{id}");
        return await response.ShouldBeJsonAsync(HttpStatusCode.OK);
    }
}
