namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Stopping a job: <c>POST /api/jobs/{id}/cancel</c> where the worker has it, else <c>POST /queue {delete}</c> for a
/// waiting prompt and <c>POST /interrupt {prompt_id}</c> for the running one. A prompt deleted from the queue vanishes
/// without history or event, so its end (interrupted) is reported here.
/// </summary>
public sealed partial class ComfyUiWorker
{
    public async Task CancelAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (!_jobs.TryGetValue(jobId, out var job) || job.IsEnding)
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
            throw new WorkerUnavailableException($"Worker '{Name}' could not be asked to cancel job {jobId}: {ex.Message}", ex);
        }
    }

    private async Task CancelOnWorkerAsync(TrackedJob job, CancellationToken cancellationToken)
    {
        var cancelled = false;
        if (_hasJobsCancelRoute != false)
        {
            var answer = await _client.CancelJobAsync(job.Id, cancellationToken);
            _hasJobsCancelRoute = answer is not null;
            cancelled = answer == true;
        }

        var where = WorkerJobPresence.Pending;
        for (var attempt = 0; attempt < 3 && where == WorkerJobPresence.Pending; attempt++)
        {
            if (!cancelled)
            {
                await _client.DeleteFromQueueAsync(job.Id, cancellationToken);
            }

            where = (await _client.GetQueueAsync(cancellationToken)).Find(job.Id);
            cancelled = false;
        }

        ComfyUiWorkerLog.Cancelling(_logger, Name, job.Id, where);
        if (where == WorkerJobPresence.Running)
        {
            // Asked by id, so nothing else running on the worker is touched; the end comes over the socket.
            await _client.InterruptAsync(job.Id, cancellationToken);
            return;
        }

        if (where != WorkerJobPresence.Unknown)
        {
            return;
        }

        // Neither queued nor running: it either finished (history) or was deleted while waiting (no trace at all).
        if (await _client.GetHistoryAsync(job.Id, cancellationToken) is { } entry)
        {
            RunInBackground(_ => EndFromHistoryAsync(job, entry));
        }
        else if (job.TryClaimEnd())
        {
            await ReportFinishedAsync(job, CancelledOutcome(job.Id, $"taken off the queue of worker '{Name}' before it started"));
        }
    }
}
