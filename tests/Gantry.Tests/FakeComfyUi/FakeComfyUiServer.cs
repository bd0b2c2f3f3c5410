using System.Net;
using Gantry.Engine.Json;
using Gantry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.FakeComfyUi;

/// <summary>
/// A scripted ComfyUI on real Kestrel (127.0.0.1, a free port) that speaks its HTTP and WebSocket protocol exactly:
/// every route at <c>/x</c> and <c>/api/x</c>, positional queue items, <c>{}</c> for unknown history, the status
/// greeting with <c>sid</c>, the reconnect replay, <c>executing {node: null}</c> after the history write, events routed
/// to the prompt's client. Prompts run one at a time through a script (<see cref="Script"/>, or one per prompt via
/// <see cref="ScriptFor"/>); knobs on this class inject faults: slow start, refused sockets, old builds, a required
/// auth header, a prompt that finishes before its POST is answered. <see cref="StopAsync"/> kills it;
/// <see cref="RestartAsync"/> brings it back on the same port with an empty queue and history, like a real restart.
/// </summary>
public sealed partial class FakeComfyUiServer : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<FakePrompt> _pending = [];
    private readonly OrderedDictionary<string, (FakeRun Run, JObject Item)> _history = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, string Subfolder, string Name), byte[]> _files = [];
    private readonly Dictionary<string, Func<FakeRun, Task>> _scripts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TaskCompletionSource<FakeRun>> _runs = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _requests = [];
    private readonly List<FakePrompt> _received = [];
    private readonly List<(string Request, int Count, TaskCompletionSource Waiter)> _requestWaiters = [];
    private WebApplication? _app;
    private CancellationTokenSource _life = new();
    private SemaphoreSlim _work = new(0);
    private Task _runner = Task.CompletedTask;
    private FakeRun? _running;
    private int _counter;
    private int _port;

    private FakeComfyUiServer()
    {
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{_port}/");

    /// <summary>What runs a prompt that has no script of its own; <see cref="FakeScripts.Normal"/> by default.</summary>
    public Func<FakeRun, Task> Script { get; set; } = FakeScripts.Normal;

    /// <summary>Model files by folder, for <c>/models</c> and the checkpoint combo.</summary>
    public Dictionary<string, IReadOnlyList<string>> Models { get; } = new(StringComparer.Ordinal)
    {
        ["checkpoints"] = ["sd15.safetensors", "sdxl.safetensors"],
        ["loras"] = [],
    };

    /// <summary>This many <c>/system_stats</c> requests answer 503 (a worker still starting).</summary>
    public int FailSystemStats { get; set; }

    /// <summary>WebSocket upgrades answer 503 while true (HTTP works, the socket does not).</summary>
    public bool RefuseSockets { get; set; }

    /// <summary>
    /// Cut off while true (see <see cref="Partition"/>): every request gets 502 at once, as from a reverse proxy that
    /// cannot reach the host, yet the process lives on and what it runs keeps running.
    /// </summary>
    public bool Partitioned { get; private set; }

    /// <summary>The network between Gantry and this ComfyUI fails: sockets cut, requests dropped, until <see cref="Heal"/>.</summary>
    public void Partition()
    {
        Partitioned = true;
        AbortAllSockets();
    }

    /// <summary>The network is back.</summary>
    public void Heal() => Partitioned = false;

    /// <summary>Like a build from early 2025: no <c>/models</c>, <c>/features</c>, <c>/api/jobs</c> routes (404).</summary>
    public bool OldBuild { get; set; }

    /// <summary>Whether <c>POST /api/jobs/{id}/cancel</c> exists (ComfyUI ≥ 0.26).</summary>
    public bool HasJobsCancel { get; set; }

    /// <summary>The POST /prompt answer waits until the prompt's run ended (a fully cached prompt beats its own answer).</summary>
    public bool EndRunsBeforeAnswering { get; set; }

    /// <summary>Refuse a prompt id seen before, even across restarts, as a Gantry used as a worker does (400 <c>invalid_prompt_id</c>).</summary>
    public bool RefuseReusedPromptIds { get; set; }

    /// <summary>Awaited after a prompt is queued and before POST /prompt is answered (to stage races around the answer).</summary>
    public Func<FakePrompt, Task>? BeforeAnswering { get; set; }

    /// <summary>Awaited before each <c>GET /queue</c> is answered (to stage what happens while a client looks).</summary>
    public Func<Task>? BeforeQueueAnswer { get; set; }

    /// <summary>When set, every request and the WebSocket upgrade must carry this header, else 401.</summary>
    public (string Name, string Value)? RequiredHeader { get; set; }

    public string Version { get; set; } = "0.33.1";

    /// <summary>The bodies of the <c>POST /free</c> requests received (read under the fake's lock).</summary>
    internal List<JObject> FreeRequests { get; } = [];

    /// <summary>Every request as <c>METHOD /path</c>, in arrival order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Completes once <paramref name="request"/> (<c>METHOD /path</c>) arrived <paramref name="count"/> times.</summary>
    public Task WaitForRequestAsync(string request, int count = 1)
    {
        lock (_lock)
        {
            if (_requests.Count(r => r == request) >= count)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _requestWaiters.Add((request, count, waiter));
            return waiter.Task;
        }
    }

    /// <summary>Every prompt accepted, in order.</summary>
    public IReadOnlyList<FakePrompt> Prompts
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>How many times the server was started (1 before any restart).</summary>
    public int Generation { get; private set; }

    public static async Task<FakeComfyUiServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new FakeComfyUiServer();
        await server.StartOnAsync(0, cancellationToken);
        return server;
    }

    /// <summary>Runs <paramref name="script"/> for the prompt with this id instead of <see cref="Script"/>.</summary>
    public void ScriptFor(Guid promptId, Func<FakeRun, Task> script)
    {
        lock (_lock)
        {
            _scripts[promptId.ToString("D")] = script;
        }
    }

    /// <summary>The run of a prompt, once it started executing.</summary>
    public Task<FakeRun> WaitForRunAsync(Guid promptId) => RunSlot(promptId.ToString("D")).Task;

    /// <summary>A file in the fake's folders (<c>input</c>, <c>output</c>, <c>temp</c>), or null.</summary>
    public byte[]? GetFile(string type, string subfolder, string name)
    {
        lock (_lock)
        {
            return _files.GetValueOrDefault((type, subfolder, name));
        }
    }

    public void PutFile(string type, string subfolder, string name, byte[] bytes)
    {
        lock (_lock)
        {
            _files[(type, subfolder, name)] = bytes;
        }
    }

    /// <summary>Prompt ids waiting and running now.</summary>
    public (IReadOnlyList<string> Pending, string? Running) Queue
    {
        get
        {
            lock (_lock)
            {
                return ([.. _pending.Select(p => p.Id)], _running?.PromptId);
            }
        }
    }

    /// <summary>The process dies: connections refused, sockets cut, the running prompt never ends.</summary>
    public async Task StopAsync()
    {
        var app = _app;
        _app = null;
        if (app is null)
        {
            return;
        }

        await _life.CancelAsync();
        AbortAllSockets();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await app.StopAsync(timeout.Token);
        }

        await app.DisposeAsync();
        await _runner.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Stops (if running) and starts again on the same port, with an empty queue and history and no sockets (files stay: they are on disk).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        lock (_lock)
        {
            _pending.Clear();
            _history.Clear();
            _running = null;
            _counter = 0;
        }

        await StartOnAsync(_port, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _life.Dispose();
        _work.Dispose();
    }

    private async Task StartOnAsync(int port, CancellationToken cancellationToken)
    {
        _life = new CancellationTokenSource();
        _work = new SemaphoreSlim(0);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.UseWebSockets();
        app.Use(async (context, next) =>
        {
            if (Partitioned)
            {
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                return;
            }

            RecordRequest($"{context.Request.Method} {context.Request.Path}");

            if (RequiredHeader is { } required && context.Request.Headers[required.Name] != required.Value)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await next(context);
        });
        MapRoutes(app, "");
        MapRoutes(app, "/api");
        await app.StartAsync(cancellationToken);
        _port = GantryApp.ListeningAddress(app).Port;
        _app = app;
        Generation++;
        var life = _life.Token;
        _runner = Task.Run(() => RunPromptsAsync(life), CancellationToken.None);
    }

    private void RecordRequest(string request)
    {
        List<TaskCompletionSource> woken = [];
        lock (_lock)
        {
            _requests.Add(request);
            var seen = _requests.Count(r => r == request);
            for (var i = _requestWaiters.Count - 1; i >= 0; i--)
            {
                if (_requestWaiters[i].Request == request && seen >= _requestWaiters[i].Count)
                {
                    woken.Add(_requestWaiters[i].Waiter);
                    _requestWaiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in woken)
        {
            waiter.TrySetResult();
        }
    }

    private TaskCompletionSource<FakeRun> RunSlot(string promptId)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(promptId, out var slot))
            {
                slot = new TaskCompletionSource<FakeRun>(TaskCreationOptions.RunContinuationsAsynchronously);
                _runs[promptId] = slot;
            }

            return slot;
        }
    }

    private static JObject Status(int queueRemaining, string? sid = null)
    {
        var data = new JObjectBuilder { ["status"] = new JObjectBuilder { ["exec_info"] = new JObjectBuilder { ["queue_remaining"] = queueRemaining }.Build() }.Build() };
        if (sid is not null)
        {
            data["sid"] = sid;
        }

        return data.Build();
    }

    private int QueueRemaining
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count + (_running is null ? 0 : 1);
            }
        }
    }
}
