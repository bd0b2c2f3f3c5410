using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// What comes over the WebSocket: routed to the job it is about, forwarded to the dispatcher with its original
/// type and data. Frames that are not ComfyUI messages, and messages about prompts that are not ours, are dropped.
/// </summary>
public sealed partial class ComfyUiWorker
{
    private static readonly HashSet<string> RunningEvents =
        ["execution_start", "execution_cached", "executing", "progress", "progress_state", "executed"];

    private void OnFrame(ReceivedFrame frame)
    {
        if (!frame.IsText)
        {
            OnBinaryFrame(frame.Bytes);
            return;
        }

        var message = ComfyUiEvent.TryParse(frame.Bytes);
        if (message is null)
        {
            ComfyUiWorkerLog.FrameIgnored(_logger, Name, "not a ComfyUI JSON message");
            return;
        }

        if (JobFor(message) is { } job)
        {
            if (job.Watched && RunningEvents.Contains(message.Type) && !message.IsPromptDone)
            {
                // Noted on arrival, not when applied: previews (no prompt_id) may come before the POST is answered.
                lock (_gate)
                {
                    _runningJobId = job.Id;
                }
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
        }
    }

    private TrackedJob? JobFor(ComfyUiEvent message)
    {
        if (message.PromptId is { } promptId)
        {
            return Guid.TryParse(promptId, out var id) && _jobs.TryGetValue(id, out var job) ? job : null;
        }

        // The replay after a reconnect ({"node": …} without prompt_id) is only sent for the prompt running under our
        // client id: that is the job we last saw running.
        return message.Type == "executing" && !message.IsPromptDone ? RunningJob() : null;
    }

    private TrackedJob? RunningJob()
    {
        lock (_gate)
        {
            return _runningJobId is { } id && _jobs.TryGetValue(id, out var job) ? job : null;
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
            RunInBackground(_ => EndFromHistoryAsync(job, knownEntry: null));
            return;
        }

        if (RunningEvents.Contains(message.Type))
        {
            MarkRunning(job, message.Type == "execution_start" ? message.Timestamp : null);
        }

        if (message.Type == "executed" && message.Data["output"] is JObject { Count: > 0 })
        {
            // The files it names are fetched first: whoever reads executed can download them at once, as from ComfyUI.
            job.Relay(() => RelayExecutedAsync(job, message));
            return;
        }

        job.Relay(() =>
        {
            Notify(c => c.OnJobMessage(this, job.Id, message.ToWorkerMessage(job.Id)));
            return Task.CompletedTask;
        });
    }

    private void RelayFrame(TrackedJob job, byte[] frame) => job.Relay(() =>
    {
        Notify(c => c.OnJobMessage(this, job.Id, new WorkerMessage { Frame = frame }));
        return Task.CompletedTask;
    });

    /// <summary>The job is executing: tell the dispatcher once, and remember it as the target of id-less frames.</summary>
    private void MarkRunning(TrackedJob job, long? atMs)
    {
        if (job.Watched)
        {
            lock (_gate)
            {
                _runningJobId = job.Id;
            }
        }

        if (!job.Started)
        {
            job.Started = true;
            Notify(c => c.OnJobStarted(this, job.Id, atMs ?? NowMs));
        }
    }

    private void OnBinaryFrame(byte[] frame)
    {
        if (!ComfyUiBinaryFrame.IsForwarded(frame, out var eventType))
        {
            ComfyUiWorkerLog.FrameIgnored(_logger, Name, $"binary frame of type {eventType} and {frame.Length} bytes");
            return;
        }

        // Only type 4 names its prompt; types 1 and 3 belong to the prompt executing now.
        var job = ComfyUiBinaryFrame.PromptIdOf(frame) is { } promptId
            ? Guid.TryParse(promptId, out var id) ? _jobs.GetValueOrDefault(id) : null
            : RunningJob();
        if (job is null)
        {
            return;
        }

        lock (job.Gate)
        {
            if (!job.Accepted)
            {
                job.Early.Add(frame);
            }
            else if (!job.IsEnding)
            {
                RelayFrame(job, frame);
            }
        }
    }

    /// <summary>The worker queued the job: replay what the socket said meanwhile (all of it, for a cached prompt).</summary>
    private void Accept(TrackedJob job)
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
            RunInBackground(ct => CancelAsync(job.Id, ct));
        }
    }
}
