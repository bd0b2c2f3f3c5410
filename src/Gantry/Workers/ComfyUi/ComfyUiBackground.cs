namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Work a worker runs off its socket loop (ending a job, a cancel that follows the POST, the loops themselves), kept
/// so disposal can wait for all of it. A failure is logged, never lost, and never stops another piece.
/// </summary>
internal sealed class ComfyUiBackground(ILogger logger, string workerName, CancellationToken stopping)
{
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];

    /// <summary>Runs <paramref name="work"/> on the thread pool with the worker's stopping token.</summary>
    public void Run(Func<CancellationToken, Task> work)
    {
        var task = Task.Run(
            async () =>
            {
                try
                {
                    await work(stopping);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Shutting down.
                }
                catch (Exception ex)
                {
                    ComfyUiWorkerLog.Unexpected(logger, workerName, ex);
                }
            },
            CancellationToken.None);
        lock (_gate)
        {
            _running.Add(task);
            _running.RemoveAll(t => t.IsCompleted);
        }
    }

    /// <summary>Everything still running now.</summary>
    public Task[] Running()
    {
        lock (_gate)
        {
            return [.. _running];
        }
    }
}
