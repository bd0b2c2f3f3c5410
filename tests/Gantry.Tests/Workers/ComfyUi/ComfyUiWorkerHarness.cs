using System.Text;
using Gantry.Domain;
using Gantry.Outputs;
using Gantry.Store;
using Gantry.Tests.FakeComfyUi;
using Gantry.Tests.Infrastructure;
using Gantry.Workers;
using Gantry.Workers.ComfyUi;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>
/// A <see cref="ComfyUiWorker"/> wired to real parts: a <see cref="FakeComfyUiServer"/> on Kestrel, a SQLite store
/// and content store in a temp folder, a user's input folder, and <see cref="RecordingCallbacks"/>. Delays are short so
/// faults play out quickly; tests still wait on events, never on time.
/// </summary>
public sealed class ComfyUiWorkerHarness : IAsyncDisposable
{
    private readonly List<ComfyUiWorker> _workers = [];

    private ComfyUiWorkerHarness(FakeComfyUiServer fake, TempDirectory data, IGantryStore store, long userId)
    {
        Fake = fake;
        Data = data;
        Store = store;
        UserId = userId;
        Blobs = new ContentStore(data.Path);
        Importer = new OutputImporter(Blobs, store, TimeProvider.System);
        InputDirectory = Directory.CreateDirectory(Path.Combine(data.Path, "input")).FullName;
    }

    public FakeComfyUiServer Fake { get; }

    public TempDirectory Data { get; }

    public IGantryStore Store { get; }

    public ContentStore Blobs { get; }

    public OutputImporter Importer { get; }

    public long UserId { get; }

    public string InputDirectory { get; }

    public RecordingCallbacks Callbacks { get; private set; } = new();

    /// <summary>The worker made by <see cref="StartAsync"/> (or the last <see cref="StartWorkerAsync"/>).</summary>
    public ComfyUiWorker Worker { get; private set; } = null!;

    public static ComfyUiWorkerOptions FastOptions() => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = TimeSpan.FromSeconds(20),
        GreetingTimeout = TimeSpan.FromSeconds(5),
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        HistoryWait = TimeSpan.FromSeconds(20),
        HistoryRetryDelay = TimeSpan.FromMilliseconds(10),
        PollInterval = TimeSpan.FromMilliseconds(100),
        JobLostAfter = TimeSpan.FromSeconds(30),
        CatalogRefreshInterval = TimeSpan.FromHours(1),
    };

    /// <summary>Starts the fake (arranged before the worker sees it) and, unless told not to, a worker that is online.</summary>
    public static async Task<ComfyUiWorkerHarness> StartAsync(
        Action<FakeComfyUiServer>? arrange = null, Action<ComfyUiWorkerOptions>? configure = null, bool waitOnline = true, string? authHeader = null)
    {
        var fake = await FakeComfyUiServer.StartAsync(TestContext.Current.CancellationToken);
        var data = new TempDirectory("gantry-comfyworker");
        var store = GantryStoreFactory.Create(null, data.Path);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var user = await store.CreateUserAsync("alice", isAdmin: false, TestContext.Current.CancellationToken);
        var harness = new ComfyUiWorkerHarness(fake, data, store, user.Id);
        arrange?.Invoke(fake);
        await harness.StartWorkerAsync(fake.BaseAddress.ToString(), configure, authHeader);
        if (waitOnline)
        {
            await harness.Callbacks.StateAsync(WorkerState.Online);
        }

        return harness;
    }

    /// <summary>A new worker (as after a Gantry restart) with fresh callbacks; the previous one keeps running until disposed.</summary>
    public async Task<ComfyUiWorker> StartWorkerAsync(string url, Action<ComfyUiWorkerOptions>? configure = null, string? authHeader = null, string name = "gpu-1")
    {
        var options = FastOptions();
        configure?.Invoke(options);
        var registration = new WorkerRegistration { Name = name, Url = url, AuthHeader = authHeader, CreatedAtMs = 0 };
        var worker = new ComfyUiWorker(registration, options, Importer, TimeProvider.System, NullLogger<ComfyUiWorker>.Instance);
        _workers.Add(worker);
        Callbacks = new RecordingCallbacks();
        Worker = worker;
        await worker.StartAsync(Callbacks, TestContext.Current.CancellationToken);
        return worker;
    }

    /// <summary>A job for the harness user; the default graph loads a checkpoint, samples and saves one image.</summary>
    public WorkerJob Job(string? promptJson = null, Guid? id = null, string? extraDataJson = null) => new()
    {
        JobId = id ?? Guid.NewGuid(),
        UserId = UserId,
        PromptJson = Encoding.UTF8.GetBytes(promptJson ?? TextToImage),
        ExtraDataJson = extraDataJson is null ? null : Encoding.UTF8.GetBytes(extraDataJson),
        OutputsToExecute = [],
        InputDirectory = InputDirectory,
    };

    /// <summary>Submits and waits for the end: the outcome, then the final <c>executing {node: null}</c> that follows it.</summary>
    public async Task<RecordingCallbacks.JobFinished> RunAsync(WorkerJob job)
    {
        await Worker.SubmitAsync(job, TestContext.Current.CancellationToken);
        return await FinishedAsync(job.JobId);
    }

    /// <summary>Waits for a job's outcome and for the final <c>executing {node: null}</c> the worker passes on after it.</summary>
    public async Task<RecordingCallbacks.JobFinished> FinishedAsync(Guid jobId)
    {
        var finished = await Callbacks.FinishedAsync(jobId);
        await Callbacks.MessageAsync(jobId, "executing", m => m.Sequence > finished.Sequence);
        return finished;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        await Fake.DisposeAsync();
        await Store.DisposeAsync();
        Data.Dispose();
    }

    /// <summary>A text-to-image graph in API format, with the seed at the 2^64−1 maximum and odd spacing (sent byte for byte).</summary>
    public const string TextToImage = """
        {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}},
         "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
         "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["4", 1]}},
         "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
         "3": {"class_type": "KSampler", "inputs": {"seed": 18446744073709551615, "steps": 20, "cfg": 8.0, "sampler_name": "euler",
               "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
         "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
         "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}}
        """;
}
