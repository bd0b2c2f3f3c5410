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
}
