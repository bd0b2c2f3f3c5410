using System.Text.Json;
using System.Threading.Channels;
using Gantry.Api.V2.Contracts;
using Gantry.Auth;
using Gantry.Domain;
using Gantry.Events;
using Gantry.Jobs;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Api.V2;

/// <summary>
/// <c>GET /api/v2/jobs/{id}/events</c>: Server-Sent Events. On connect the current snapshot (<c>status</c>, the latest
/// <c>progress</c>, the latest <c>preview</c>), then live updates, ending after the terminal <c>status</c>. Events carry no
/// <c>id</c> (the spec: not a replayable log); a client that reconnects, with or without <c>Last-Event-ID</c>, gets the
/// snapshot again, which re-syncs it completely.
/// </summary>
/// <remarks>
/// The stream subscribes to the owner's events before it reads the snapshot, so nothing falls between the two. Status is
/// re-read from the store whenever one of the owner's jobs changes (their queue may have moved) and at every keep-alive,
/// which also catches changes made by another instance. Behind proxies: <c>X-Accel-Buffering: no</c>, no caching, the
/// response unbuffered and flushed after every event.
/// </remarks>
public static class V2JobEvents
{
    public static async Task StreamAsync(
        string id, HttpContext context, IJobStore store, V2JobViews views, EventHub hub, JobSignals signals,
        JobProgressTracker tracker, V2StreamLimits limits, IOptions<V2Options> options, TimeProvider time)
    {
        var detail = await V2JobsApi.FindAsync(id, context, store, views);
        if (detail is null)
        {
            await V2Errors.WriteAsync(context, StatusCodes.Status404NotFound, V2Errors.NotFound, "No such job.");
            return;
        }

        var caller = context.GetCaller();
        using var slot = limits.TryOpen(caller.UserId);
        if (slot is null)
        {
            context.Response.Headers.RetryAfter = "5";
            await V2Errors.WriteAsync(
                context, StatusCodes.Status429TooManyRequests, V2Errors.TooManyStreams, "Too many event streams are open; close one, or poll the job.");
            return;
        }

        var jobId = detail.Job.Id;
        using var subscription = hub.Subscribe(caller.UserId, capacity: 1024);
        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void OnUserChanged(long userId)
        {
            if (userId == caller.UserId)
            {
                changes.Writer.TryWrite(true);
            }
        }

        void OnChanged(JobRecord job) => OnUserChanged(job.UserId);
        void OnChangedElsewhere(JobChange change) => OnUserChanged(change.UserId);

        signals.Changed += OnChanged;
        signals.ChangedElsewhere += OnChangedElsewhere;
        try
        {
            var writer = new SseWriter(context);
            await writer.StartAsync();
            var stream = new JobStream(jobId, writer, store, views, tracker, detail, options.Value, time);
            if (await stream.SendSnapshotAsync(context.RequestAborted))
            {
                return;
            }

            await stream.FollowAsync(subscription, changes.Reader, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            signals.Changed -= OnChanged;
            signals.ChangedElsewhere -= OnChangedElsewhere;
        }
    }

    /// <summary>One open stream: what it has sent, and when to send what.</summary>
    private sealed class JobStream(
        Guid jobId, SseWriter writer, IJobStore store, V2JobViews views, JobProgressTracker tracker, JobDetail detail, V2Options options, TimeProvider time)
    {
        private readonly PromptNodes _graph = PromptNodes.Read(detail.Payload.PromptJson);
        private V2StatusEvent? _lastStatus;
        private long _lastProgressVersion = -1;
        private long _lastProgressAt;
        private PreviewImage? _lastPreview;

        /// <summary>Sends status, progress and preview as they are now; true when the job has ended (the stream is over).</summary>
        public async Task<bool> SendSnapshotAsync(CancellationToken cancellationToken)
        {
            var ended = await SendStatusAsync(detail.Job, cancellationToken);
            if (!ended)
            {
                await SendProgressAsync(detail.Job, force: true, cancellationToken);
                await SendPreviewAsync(cancellationToken);
            }

            return ended;
        }

        public async Task FollowAsync(EventSubscription subscription, ChannelReader<bool> changes, CancellationToken cancellationToken)
        {
            var nextKeepAlive = time.GetUtcNow() + options.KeepAliveInterval;
            var progressPending = false;
            while (true)
            {
                var wait = nextKeepAlive - time.GetUtcNow();
                if (progressPending)
                {
                    var progressDue = TimeSpan.FromMilliseconds(_lastProgressAt + (long)options.ProgressInterval.TotalMilliseconds - time.GetUtcNow().ToUnixTimeMilliseconds());
                    wait = progressDue < wait ? progressDue : wait;
                }

                var woke = await WaitAsync(subscription.Reader, changes, wait, cancellationToken);
                var statusDirty = false;
                while (changes.TryRead(out _))
                {
                    statusDirty = true;
                }

                var previewDirty = false;
                while (subscription.Reader.TryRead(out var frame))
                {
                    if (frame.JobId != jobId)
                    {
                        continue;
                    }

                    if (frame.IsBinary)
                    {
                        previewDirty = true;
                    }
                    else if (frame.Type is "execution_start" or "execution_success" or "execution_error" or "execution_interrupted")
                    {
                        statusDirty = true;
                    }
                    else
                    {
                        progressPending = true;
                    }
                }

                if (!woke)
                {
                    await writer.CommentAsync("keep-alive", cancellationToken);
                    nextKeepAlive = time.GetUtcNow() + options.KeepAliveInterval;
                    statusDirty = true;
                }

                if (subscription.Reader.Completion.IsCompleted)
                {
                    // Cut off as too slow (or the hub is gone): end; the client reconnects and gets the snapshot.
                    return;
                }

                if (statusDirty)
                {
                    var job = await store.GetJobAsync(jobId, cancellationToken);
                    if (job is null || await SendStatusAsync(job, cancellationToken))
                    {
                        return;
                    }

                    progressPending |= job.State == JobState.Running;
                }

                if (progressPending && time.GetUtcNow().ToUnixTimeMilliseconds() - _lastProgressAt >= (long)options.ProgressInterval.TotalMilliseconds)
                {
                    var job = await store.GetJobAsync(jobId, cancellationToken);
                    if (job is not null)
                    {
                        await SendProgressAsync(job, force: false, cancellationToken);
                    }

                    progressPending = false;
                }

                if (previewDirty)
                {
                    await SendPreviewAsync(cancellationToken);
                }
            }
        }

        private async Task<bool> SendStatusAsync(JobRecord job, CancellationToken cancellationToken)
        {
            var status = new V2StatusEvent(views.StatusOf(job), await views.QueuePositionAsync(job, cancellationToken));
            if (status != _lastStatus)
            {
                await writer.EventAsync("status", JsonSerializer.SerializeToUtf8Bytes(status, V2JsonContext.Default.V2StatusEvent), cancellationToken);
                _lastStatus = status;
            }

            return JobStateMachine.IsTerminal(job.State) || status.Status == "expired";
        }

        private async Task SendProgressAsync(JobRecord job, bool force, CancellationToken cancellationToken)
        {
            var version = tracker.Get(jobId)?.Version ?? -1;
            if (!force && version == _lastProgressVersion)
            {
                return;
            }

            if (views.ProgressOf(job, _graph) is { } progress)
            {
                await writer.EventAsync("progress", JsonSerializer.SerializeToUtf8Bytes(progress, V2JsonContext.Default.V2Progress), cancellationToken);
                _lastProgressVersion = version;
                _lastProgressAt = time.GetUtcNow().ToUnixTimeMilliseconds();
            }
        }

        private async Task SendPreviewAsync(CancellationToken cancellationToken)
        {
            if (tracker.GetPreview(jobId) is { } preview && !ReferenceEquals(preview, _lastPreview))
            {
                var payload = new V2PreviewEvent(preview.NodeId ?? string.Empty, preview.ContentType, Convert.ToBase64String(preview.Data));
                await writer.EventAsync("preview", JsonSerializer.SerializeToUtf8Bytes(payload, V2JsonContext.Default.V2PreviewEvent), cancellationToken);
                _lastPreview = preview;
            }
        }

        /// <summary>Waits for a frame or a change, at most <paramref name="timeout"/>; false when the time ran out.</summary>
        private async Task<bool> WaitAsync(ChannelReader<EventFrame> frames, ChannelReader<bool> changes, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (timeout <= TimeSpan.Zero)
            {
                return false;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var frame = frames.WaitToReadAsync(linked.Token).AsTask();
            var change = changes.WaitToReadAsync(linked.Token).AsTask();
            var timer = Task.Delay(timeout, time, linked.Token);
            var first = await Task.WhenAny(frame, change, timer);
            await linked.CancelAsync();
            await Task.WhenAll(frame, change, timer).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
            return first != timer;
        }
    }
}
