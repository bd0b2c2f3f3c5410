using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// What comes over the WebSocket, read by <see cref="ComfyUiMessages"/>, routed to the job it is about and forwarded
/// to the dispatcher with its original type and data, in arrival order per job. Messages that arrive before the
/// worker answered the job's POST are held and replayed on <see cref="Accept"/>. Frames that are not ComfyUI
/// messages, and messages about prompts that are not ours, are dropped.
/// </summary>
internal sealed class ComfyUiEventRouter(ComfyUiWorkerContext context, ComfyUiJobCompletion completion, ComfyUiCanceller canceller)
{
    /// <summary>Routes one frame; whatever it does, the socket loop goes on.</summary>
    public void Handle(ReceivedFrame frame)
    {
        try
        {
            Route(ComfyUiMessages.Read(frame));
        }
        catch (Exception ex)
        {
            ComfyUiWorkerLog.Unexpected(context.Logger, context.Name, ex);
        }
    }

    /// <summary>The worker queued the job: replay what the socket said meanwhile (all of it, for a cached prompt).</summary>
    public void Accept(TrackedJob job)
    {
        bool cancel;
        lock (job.Gate)
        {
            job.Accepted = true;
            foreach (var early in job.Early)
            {
                if (early is ComfyUiEvent message)
                {
                    Apply(job, message);
                }
                else if (early is byte[] frame && !job.IsEnding)
                {
                    RelayFrame(job, frame);
                }
            }

            job.Early.Clear();
            cancel = job.CancelRequested && !job.DoneSeen;
        }

        if (cancel)
        {
            context.Background.Run(ct => canceller.CancelAsync(job.Id, ct));
        }
    }

    /// <summary>The job is executing: tell the dispatcher once, and remember it as the target of id-less frames.</summary>
    public void MarkRunning(TrackedJob job, long? atMs)
    {
        if (job.Watched)
        {
            context.Jobs.NoteRunning(job.Id);
        }

        if (!job.Started)
        {
            job.Started = true;
            context.Notify(c => c.OnJobStarted(context.Worker, job.Id, atMs ?? context.NowMs));
        }
    }

    private void Route(ComfyUiFrame frame)
    {
        if (frame.IgnoredBecause is { } reason)
        {
            ComfyUiWorkerLog.FrameIgnored(context.Logger, context.Name, reason);
            return;
        }

        var job = frame.PromptId is { } promptId ? context.Jobs.Find(promptId) : frame.AboutRunningPrompt ? context.Jobs.Running() : null;
        if (job is null)
        {
            return;
        }

        if (frame.Event is { } message)
        {
            if (job.Watched && message.MeansRunning)
            {
                // Noted on arrival, not when applied: previews (no prompt_id) may come before the POST is answered.
                context.Jobs.NoteRunning(job.Id);
            }

            lock (job.Gate)
            {
                if (job.Accepted)
                {
                    Apply(job, message);
                }
                else
                {
                    job.Early.Add(message);
                }
            }

            return;
        }

        var preview = frame.Preview!;
        lock (job.Gate)
        {
            if (!job.Accepted)
            {
                job.Early.Add(preview);
            }
            else if (!job.IsEnding)
            {
                RelayFrame(job, preview);
            }
        }
    }

    /// <summary>Handles one message of an accepted job; the caller holds the job's gate.</summary>
    private void Apply(TrackedJob job, ComfyUiEvent message)
    {
        if (job.IsEnding)
        {
            return;
        }

        job.Observed.Record(message);
        if (message.IsPromptDone)
        {
            // Held back: it goes out after the dispatcher recorded the outcome, so whoever waits for it finds the history.
            job.DoneSeen = true;
            context.Background.Run(_ => completion.EndFromHistoryAsync(job, knownEntry: null));
            return;
        }

        if (message.MeansRunning)
        {
            MarkRunning(job, message.Type == "execution_start" ? message.Timestamp : null);
        }

        if (message.Type == "executed" && message.Data["output"] is JObject { Count: > 0 })
        {
            // The files it names are fetched first: whoever reads executed can download them at once, as from ComfyUI.
            job.Relay(() => completion.RelayExecutedAsync(job, message));
            return;
        }

        job.Relay(() =>
        {
            context.Notify(c => c.OnJobMessage(context.Worker, job.Id, message.ToWorkerMessage(job.Id)));
            return Task.CompletedTask;
        });
    }

    private void RelayFrame(TrackedJob job, byte[] frame) => job.Relay(() =>
    {
        context.Notify(c => c.OnJobMessage(context.Worker, job.Id, new WorkerMessage { Frame = frame }));
        return Task.CompletedTask;
    });
}
