namespace Gantry.Workers;

/// <summary>Passes the workers' reports on to the dispatcher; on every worker change the pool refreshes the fleet's catalog first.</summary>
internal sealed class PoolCallbacks(WorkerPool pool, IWorkerCallbacks inner) : IWorkerCallbacks
{
    public void OnWorkerChanged(IWorker worker)
    {
        pool.Remember(worker);
        inner.OnWorkerChanged(worker);
        pool.RaiseChanged();
    }

    public void OnJobStarted(IWorker worker, Guid jobId, long atMs) => inner.OnJobStarted(worker, jobId, atMs);

    public void OnJobMessage(IWorker worker, Guid jobId, WorkerMessage message) => inner.OnJobMessage(worker, jobId, message);

    public Task OnJobFinishedAsync(IWorker worker, Guid jobId, WorkerJobOutcome outcome) => inner.OnJobFinishedAsync(worker, jobId, outcome);

    public void OnJobLost(IWorker worker, Guid jobId, string reason) => inner.OnJobLost(worker, jobId, reason);
}
