using System.Net;
using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// Handing a job to the worker: its input files uploaded first, then <c>POST /prompt</c> with Gantry's job id as the
/// prompt id and our client id, the answer mapped to the worker contract (400/413 → <see cref="WorkerRejectedJobException"/>,
/// no answer or anything else → <see cref="WorkerUnavailableException"/>, unless the prompt turns out to be there).
/// </summary>
internal sealed class ComfyUiSubmission(ComfyUiWorkerContext context)
{
    private string Name => context.Name;

    public async Task UploadInputsAsync(WorkerJob job, JObject prompt, CancellationToken cancellationToken)
    {
        foreach (var input in InputFiles.Referenced(prompt, job.InputDirectory))
        {
            JObject answer;
            try
            {
                answer = await context.Client.UploadInputAsync(input.Path, input.Subfolder, input.Filename, cancellationToken);
            }
            catch (ComfyUiRequestException ex) when (ex.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
            {
                throw new WorkerRejectedJobException($"The input file '{input.Name}' was not accepted: {ex.Message}", ex.Body);
            }
            catch (ComfyUiRequestException ex)
            {
                throw new WorkerUnavailableException($"Worker '{Name}' could not take the input file '{input.Name}': {ex.Message}", ex);
            }

            var stored = ComfyJson.String(answer, "name");
            if (stored is not null && stored != input.Filename)
            {
                ComfyUiWorkerLog.UploadRenamed(context.Logger, Name, input.Name, stored);
            }
        }
    }

    /// <summary>Posts the prompt; true when the worker turned out to have it already (its events may be past).</summary>
    public async Task<bool> PostPromptAsync(WorkerJob job, CancellationToken cancellationToken)
    {
        HttpStatusCode status;
        byte[] body;
        try
        {
            (status, body) = await context.Client.PostPromptAsync(ComfyUiPromptRequest.Body(job, context.ClientId), cancellationToken);
        }
        catch (ComfyUiRequestException ex)
        {
            // No answer: the prompt may or may not have reached the worker. If it did, it is ours to follow.
            if (await IsOnWorkerAsync(job.JobId, cancellationToken))
            {
                ComfyUiWorkerLog.Queued(context.Logger, Name, job.JobId);
                return true;
            }

            throw new WorkerUnavailableException($"Worker '{Name}' did not take job {job.JobId}: {ex.Message}", ex);
        }

        switch (status)
        {
            case HttpStatusCode.OK:
                if (ComfyUiPromptRequest.NodeErrors(body) is { } nodeErrors)
                {
                    // 200 with node_errors: the outputs that failed validation were dropped, the others run.
                    ComfyUiWorkerLog.QueuedWithNodeErrors(context.Logger, Name, job.JobId, nodeErrors.Count, ComfyUiClient.Snippet(ComfyJson.StrictBytes(nodeErrors)));
                }
                else
                {
                    ComfyUiWorkerLog.Queued(context.Logger, Name, job.JobId);
                }

                return false;
            case HttpStatusCode.BadRequest when ComfyUiPromptRequest.IsPromptIdRefusal(body):
                // Our ids are canonical UUIDs, so only a server that refuses reused ids (a Gantry as worker) says this:
                // the job was given to it before. Follow that run if it is there; otherwise another worker must take it.
                if (await IsOnWorkerAsync(job.JobId, cancellationToken))
                {
                    return true;
                }

                throw new WorkerUnavailableException($"Worker '{Name}' refused prompt id {job.JobId:D} as already used: {ComfyUiPromptRequest.RejectionReason(status, body)}");
            case HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge:
                var reason = ComfyUiPromptRequest.RejectionReason(status, body);
                ComfyUiWorkerLog.Rejected(context.Logger, Name, job.JobId, reason);
                throw new WorkerRejectedJobException(reason, body);
            default:
                throw new WorkerUnavailableException($"Worker '{Name}' answered {(int)status} to POST /prompt: {ComfyUiClient.Snippet(body)}");
        }
    }

    /// <summary>Whether the worker has the prompt queued, running or done: after a POST that got no answer.</summary>
    private async Task<bool> IsOnWorkerAsync(Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            var queue = await context.Client.GetQueueAsync(cancellationToken);
            return queue.Find(jobId) != WorkerJobPresence.Unknown || await context.Client.GetHistoryAsync(jobId, cancellationToken) is not null;
        }
        catch (ComfyUiRequestException)
        {
            return false;
        }
    }
}
