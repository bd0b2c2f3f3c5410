using Gantry.Engine;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;
using Gantry.Outputs;

namespace Gantry.Workers.Embedded;

/// <summary>One job inside an embedded worker: validated graph, folders, and where it is (waiting, running, ended).</summary>
internal sealed class EmbeddedRun(WorkerJob job, Prompt prompt, IReadOnlyList<string> outputs, JObject extraData, EngineFolders folders) : IDisposable
{
    private const int Waiting = 0;
    private const int Running = 1;
    private const int Ended = 2;
    private int _phase;

    public WorkerJob Job { get; } = job;

    public Prompt Prompt { get; } = prompt;

    public IReadOnlyList<string> Outputs { get; } = outputs;

    public JObject ExtraData { get; } = extraData;

    public EngineFolders Folders { get; } = folders;

    public CancellationTokenSource Interrupt { get; } = new();

    /// <summary>The files imported so far (each <c>executed</c>'s, then the outcome's).</summary>
    public ImportedFileSet Imported { get; } = new();

    public bool IsRunning => Volatile.Read(ref _phase) == Running;

    /// <summary>Moves a waiting job to running; false when it was cancelled while waiting.</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref _phase, Running, Waiting) == Waiting;

    /// <summary>Ends a job that is still waiting; false when it has started (interrupt it instead) or ended.</summary>
    public bool TryCancelWaiting() => Interlocked.CompareExchange(ref _phase, Ended, Waiting) == Waiting;

    public void Dispose() => Interrupt.Dispose();

    /// <summary>
    /// A job for an embedded worker: validates the graph as the engine sees it (the user's uploads are its input folder); a refusal is final.
    /// The job writes into its user's own output and temp folders, so one user's file names and counters
    /// (<c>prefix_00002_.png</c>) say nothing about another's.
    /// </summary>
    public static EmbeddedRun Prepare(ComfyEngine engine, WorkerJob job, string outputDirectory, string tempDirectory)
    {
        var user = UserFolder(job.UserId);
        var folders = new EngineFolders(job.InputDirectory, Path.Combine(outputDirectory, user), Path.Combine(tempDirectory, user));
        if (!JParser.TryParse(job.PromptJson, out var prompt, out var parseError))
        {
            throw new WorkerRejectedJobException($"Invalid prompt: {parseError}");
        }

        var targets = job.OutputsToExecute.Count > 0 ? job.OutputsToExecute : null;
        var validation = engine.Validate(prompt, folders, targets?.ToArray());
        if (validation.Error is { } error)
        {
            var details = string.IsNullOrEmpty(error.Details) ? "" : $": {error.Details}";
            throw new WorkerRejectedJobException($"{error.Message}{details}", validation.ToErrorResponse().ToJsonBytes());
        }

        var extraData = job.ExtraDataJson is { } extra && JParser.TryParse(extra, out var parsed, out _) && parsed is JObject extraObject
            ? extraObject
            : JObject.Empty;
        return new EmbeddedRun(job, validation.Prompt!, validation.Outputs, extraData, folders);
    }

    /// <summary>The name of a user's folder in the worker's output and temp folders; also the user's cache scope.</summary>
    public static string UserFolder(long userId) => $"user-{userId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
