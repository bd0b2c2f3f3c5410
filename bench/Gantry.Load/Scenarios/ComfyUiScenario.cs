using System.Globalization;
using Gantry.Load.Driving;
using Gantry.Load.Hosting;

namespace Gantry.Load.Scenarios;

/// <summary>
/// Gantry against a real ComfyUI (issue 14 item 5), all in one run with the two sides interleaved point by point:
/// the trivial graph on ComfyUI against <c>gantry serve</c> with default settings (its embedded engine); a small
/// image workflow on ComfyUI against through Gantry to that same ComfyUI; and per node on large images, the
/// built-in engine against ComfyUI (<see cref="NodeTimings"/>). ComfyUI is the baseline of every ratio.
/// Both sides are driven the same way (<see cref="PromptSocket"/>: one /ws, POST /prompt, done at
/// <c>executing</c> with <c>node: null</c>). Nothing is started from ComfyUI's side: pass its URL with --comfyui.
/// </summary>
public sealed class ComfyUiScenario : IScenario
{
    public string Name => "comfyui";

    public string Description => "Gantry against a real ComfyUI (--comfyui URL): trivial jobs, Gantry in front of it, per node on 2048² images";

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        var comfyUrl = arguments.ComfyUi ?? throw new ArgumentException("The comfyui scenario needs --comfyui URL (a running ComfyUI).");
        await using var comfy = await PromptSocket.ConnectAsync(comfyUrl, null, cancellationToken);
        await WaitUntilIdleAsync(comfyUrl, log, cancellationToken);
        var value = DateTime.UtcNow.Ticks;
        string Trivial() => System.Text.Encoding.UTF8.GetString(BenchGraphs.PromptWith(Interlocked.Increment(ref value)));
        string Small() => SmallWorkflow(Interlocked.Increment(ref value));

        var reports = new List<ScenarioReport>();
        if (arguments.Nodes is null)
        {
            // --nodes asks for the per-node comparison alone.
            reports.Add(await TrivialAsync(arguments, log, comfy, Trivial, cancellationToken));
            reports.Add(await InFrontAsync(arguments, log, comfy, comfyUrl, Small, cancellationToken));
        }

        var size = arguments.ImageSize ?? 2048;
        var nodes = new ScenarioReport($"Per node on {size}×{size} images: built-in engine against ComfyUI (PyTorch on CPU), ms, {NodeTimings.Rounds} counted round(s)");
        nodes.Notes.Add($"Load average before: {LoadAverage()}.");
        nodes.Notes.Add("Node time = wall time of EmptyImage → node → 8×8 ImageCrop → PreviewImage minus the same graph without the node, each side measured the same way " +
            "(ComfyUI: POST /prompt to `executing` null over its /ws; engine: Validate + ExecuteAsync in process, as the embedded worker calls it), the sides alternating. " +
            "Ratio: engine time over ComfyUI's (below 1.00× the engine is faster).");
        await new NodeTimings(comfy, size, arguments.Nodes, log).AddToAsync(nodes, cancellationToken);
        nodes.Notes.Add($"Load average after: {LoadAverage()}.");
        var command = $"dotnet run -c Release --project bench/Gantry.Load -- comfyui --comfyui {comfyUrl.ToString().TrimEnd('/')} --seconds {arguments.Seconds.ToString(CultureInfo.InvariantCulture)}";
        reports.Add(nodes);
        foreach (var report in reports)
        {
            report.Notes.Add("Reproduce: `" + command + "`.");
        }

        return reports;
    }

    private static async Task<ScenarioReport> TrivialAsync(LoadArguments arguments, TextWriter log, PromptSocket comfy, Func<string> prompt, CancellationToken cancellationToken)
    {
        var trivial = new ScenarioReport($"ComfyUI against Gantry's embedded engine, default settings: trivial graph (PrimitiveInt → PreviewAny), {arguments.Seconds:0.#} s per point");
        trivial.Notes.Add($"Load average before: {LoadAverage()}.");
        trivial.Notes.Add("`gantry serve` with nothing but a fresh --data folder (SQLite, auth on, 1 embedded worker, every limit at its default), all clients on the admin key it made. " +
            "Each job's PrimitiveInt value differs, as a real client's inputs would: ComfyUI would otherwise answer an identical prompt from its cache.");
        await using (var data = TempData.Create())
        {
            await using var gantry = await ServeProcess.StartAsync(["--data", data.Path], cancellationToken, embeddedWorkers: null);
            await using var ours = await PromptSocket.ConnectAsync(gantry.BaseAddress, await data.AdminKeyAsync(cancellationToken), cancellationToken);
            await CompareAsync(trivial, log, comfy, ours, "gantry serve (defaults)", arguments.ClientsOr(1, 8, 32), arguments.Duration, prompt);
        }

        trivial.Notes.Add($"Load average after: {LoadAverage()}.");
        log.WriteLine(trivial.ToMarkdown()); // each part as it ends: the per-node part can run for many minutes
        return trivial;
    }

    private static async Task<ScenarioReport> InFrontAsync(LoadArguments arguments, TextWriter log, PromptSocket comfy, Uri comfyUrl, Func<string> prompt, CancellationToken cancellationToken)
    {
        var front = new ScenarioReport($"ComfyUI alone against Gantry in front of it: EmptyImage 64×64 → ImageBlur → SaveImage, {arguments.Seconds:0.#} s per point");
        front.Notes.Add($"Load average before: {LoadAverage()}.");
        front.Notes.Add("`gantry serve --embedded-workers 0 --Gantry:Workers:ComfyUi:0:Url=URL` (otherwise defaults), driving the same ComfyUI. " +
            "Through Gantry, done is Gantry's `executing` null: after Gantry fetched ComfyUI's history and outputs and committed the job. The colour varies per job.");
        await using (var data = TempData.Create())
        {
            await using var gantry = await ServeProcess.StartAsync(["--data", data.Path, "--Gantry:Workers:ComfyUi:0:Url=" + comfyUrl.ToString().TrimEnd('/')], cancellationToken);
            await using var ours = await PromptSocket.ConnectAsync(gantry.BaseAddress, await data.AdminKeyAsync(cancellationToken), cancellationToken);
            await ours.TimeAsync(prompt(), cancellationToken); // the worker has connected once before anything is measured
            await CompareAsync(front, log, comfy, ours, "through Gantry", arguments.ClientsOr(1, 4, 16), arguments.Duration, prompt);
        }

        front.Notes.Add($"Load average after: {LoadAverage()}.");
        log.WriteLine(front.ToMarkdown());
        return front;
    }

    /// <summary>EmptyImage (colour from <paramref name="value"/>) → ImageBlur → SaveImage, 64×64.</summary>
    public static string SmallWorkflow(long value) =>
        "{\"1\": {\"class_type\": \"EmptyImage\", \"inputs\": {\"width\": 64, \"height\": 64, \"batch_size\": 1, \"color\": " +
        (value & 0xFFFFFF).ToString(CultureInfo.InvariantCulture) + "}}, " +
        "\"2\": {\"class_type\": \"ImageBlur\", \"inputs\": {\"image\": [\"1\", 0], \"blur_radius\": 3, \"sigma\": 1.0}}, " +
        "\"3\": {\"class_type\": \"SaveImage\", \"inputs\": {\"images\": [\"2\", 0], \"filename_prefix\": \"gantry-bench\"}}}";

    private static async Task CompareAsync(
        ScenarioReport report, TextWriter log, PromptSocket comfy, PromptSocket ours, string subject, IReadOnlyList<int> clientCounts, TimeSpan duration, Func<string> prompt)
    {
        foreach (var clients in clientCounts)
        {
            log.WriteLine($"comfyui: {report.Title[..24]}…, {clients} clients");
            var point = $"{clients} clients";
            var baseline = await DriveAsync(comfy, clients, duration, prompt);
            report.Add("ComfyUI alone (baseline)", point, baseline, unit: "jobs");
            report.Add(subject, point, await DriveAsync(ours, clients, duration, prompt), baseline, unit: "jobs");
        }
    }

    private static async Task<LoadResult> DriveAsync(PromptSocket socket, int clients, TimeSpan duration, Func<string> prompt)
    {
        var https = Enumerable.Range(0, clients).Select(_ => socket.CreateHttp()).ToArray();
        try
        {
            return await LoadRunner.RunAsync(clients, duration, i => cancellationToken => socket.RunAsync(https[i], prompt(), cancellationToken));
        }
        finally
        {
            foreach (var http in https)
            {
                http.Dispose();
            }
        }
    }

    /// <summary>Waits (up to 10 minutes) until ComfyUI runs nothing and queues nothing, so no earlier work is measured.</summary>
    private static async Task WaitUntilIdleAsync(Uri comfyUrl, TextWriter log, CancellationToken cancellationToken)
    {
        using var http = LoadHttp.CreateClient(comfyUrl, null);
        for (var tries = 0; tries < 600; tries++)
        {
            using var queue = System.Text.Json.JsonDocument.Parse(await LoadHttp.GetBytesAsync(http, "queue", cancellationToken));
            if (queue.RootElement.GetProperty("queue_running").GetArrayLength() + queue.RootElement.GetProperty("queue_pending").GetArrayLength() == 0)
            {
                return;
            }

            if (tries == 0)
            {
                log.WriteLine("comfyui: waiting until ComfyUI's queue is empty");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        throw new InvalidOperationException("ComfyUI stayed busy for 10 minutes: measure on an idle ComfyUI.");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>A fresh data folder for one <c>gantry serve</c>, deleted afterwards.</summary>
    private sealed class TempData : IAsyncDisposable
    {
        private TempData(string path) => Path = path;

        public string Path { get; }

        public static TempData Create()
        {
            var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gantry-load-comfyui-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(path);
            return new TempData(path);
        }

        /// <summary>The admin key <c>gantry serve</c> writes at its first start (possibly just after it listens).</summary>
        public async Task<string> AdminKeyAsync(CancellationToken cancellationToken)
        {
            var file = System.IO.Path.Combine(Path, "admin-key");
            for (var tries = 0; !File.Exists(file) || new FileInfo(file).Length == 0; tries++)
            {
                if (tries == 600)
                {
                    throw new InvalidOperationException($"gantry serve wrote no {file}.");
                }

                await Task.Delay(50, cancellationToken);
            }

            return (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
        }

        public ValueTask DisposeAsync()
        {
            GantryUnderTest.DeleteData(Path);
            return ValueTask.CompletedTask;
        }
    }
}
