namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Stopping a job: <c>POST /api/jobs/{id}/cancel</c> where the worker has it, else <c>POST /queue {delete}</c> for a
/// waiting prompt and <c>POST /interrupt {prompt_id}</c> for the running one. A prompt deleted from the queue vanishes
/// without history or event, so its end (interrupted) is reported here. Remembers whether the worker has the jobs route.
/// </summary>
internal sealed class ComfyUiCanceller(ComfyUiWorkerContext context, ComfyUiJobCompletion completion)
{
    private const int DeleteAttempts = 3;
    private bool? _hasJobsCancelRoute;

    public async Task CancelAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (context.Jobs.Find(jobId) is not { IsEnding: false } job)
        {
            return;
        }

        lock (job.Gate)
        {
            job.CancelRequested = true;
            if (!job.Accepted)
            {
                // The POST is still out; the cancel follows once the worker has queued the prompt.
                return;
            }
        }

        try
        {
            await CancelOnWorkerAsync(job, cancellationToken);
        }
        catch (ComfyUiRequestException ex)
        {
            throw new WorkerUnavailableException($"Worker '{context.Name}' could not be asked to cancel job {jobId}: {ex.Message}", ex);
        }
    }

    private async Task CancelOnWorkerAsync(TrackedJob job, CancellationToken cancellationToken)
    {
        var client = context.Client;
        var cancelled = false;
        if (_hasJobsCancelRoute != false)
        {
            var answer = await client.CancelJobAsync(job.Id, cancellationToken);
            _hasJobsCancelRoute = answer is not null;
            cancelled = answer == true;
        }

        var cancelledByRoute = cancelled;
        var where = WorkerJobPresence.Pending;
        for (var attempt = 0; attempt < DeleteAttempts && where == WorkerJobPresence.Pending; attempt++)
        {
            if (!cancelled)
            {
                await client.DeleteFromQueueAsync(job.Id, cancellationToken);
            }

            where = (await client.GetQueueAsync(cancellationToken)).Find(job.Id);
            cancelled = false;
        }

        ComfyUiWorkerLog.Cancelling(context.Logger, context.Name, job.Id, where);
        if (where == WorkerJobPresence.Running)
        {
            // The jobs route has already asked ComfyUI to stop it (a queue read can still show it running while the
            // interrupt lands); otherwise interrupt it by id, so nothing else running on the worker is touched. Either
            // way the end comes over the socket.
            if (!cancelledByRoute)
            {
                await client.InterruptAsync(job.Id, cancellationToken);
            }

            return;
        }

        if (where != WorkerJobPresence.Unknown)
        {
            return;
        }

        // Neither queued nor running: it either finished (history) or was deleted while waiting (no trace at all).
        if (await client.GetHistoryAsync(job.Id, cancellationToken) is { } entry)
        {
            context.Background.Run(_ => completion.EndFromHistoryAsync(job, entry));
        }
        else
        {
            await completion.CancelBeforeRunAsync(job, $"taken off the queue of worker '{context.Name}' before it started");
        }
    }
}
