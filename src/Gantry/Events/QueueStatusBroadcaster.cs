using System.Collections.Concurrent;
using System.Threading.Channels;
using Gantry.Domain;
using Gantry.Jobs;
using Gantry.Store;

namespace Gantry.Events;

/// <summary>
/// Sends a <c>status</c> message to all of a user's sockets when their count of unfinished jobs changes
/// (ComfyUI broadcasts it on every queue change; Gantry scopes it to the user, as Comfy Cloud does).
/// Job changes only mark the user; one loop counts each marked user once, so a burst of changes costs one
/// query and at most one message. Users without sockets cost nothing. With several instances each counts for its own
/// sockets, woken by its own changes and by those the others relay.
/// </summary>
public sealed partial class QueueStatusBroadcaster(JobSignals signals, EventHub hub, IJobStore store, ILogger<QueueStatusBroadcaster> logger)
    : BackgroundService
{
    private readonly Channel<long> _marked = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, byte> _pending = new();
    private readonly ConcurrentDictionary<long, int> _lastSent = new();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        signals.Changed += OnJobChanged;
        signals.ChangedElsewhere += OnJobChangedElsewhere;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        signals.Changed -= OnJobChanged;
        signals.ChangedElsewhere -= OnJobChangedElsewhere;
        _marked.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var userId in _marked.Reader.ReadAllAsync(stoppingToken))
            {
                // Unmark first: a change that lands while we count marks the user again and is counted next round.
                _pending.TryRemove(userId, out _);
                await SendAsync(userId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private void OnJobChanged(JobRecord job) => MarkUser(job.UserId);

    private void OnJobChangedElsewhere(JobChange change) => MarkUser(change.UserId);

    private void MarkUser(long userId)
    {
        if (hub.SubscriberCount(userId) == 0)
        {
            // Nobody listens: a socket that connects later gets the count in its greeting.
            _lastSent.TryRemove(userId, out _);
            return;
        }

        if (_pending.TryAdd(userId, 0))
        {
            _marked.Writer.TryWrite(userId);
        }
    }

    private async Task SendAsync(long userId, CancellationToken cancellationToken)
    {
        if (hub.SubscriberCount(userId) == 0)
        {
            _lastSent.TryRemove(userId, out _);
            return;
        }

        try
        {
            var remaining = await store.CountUserJobsInStatesAsync(userId, JobStateMachine.ActiveStates, cancellationToken);
            if (_lastSent.TryGetValue(userId, out var last) && last == remaining)
            {
                return;
            }

            _lastSent[userId] = remaining;
            hub.Publish(userId, StatusFrames.Status(remaining));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCountFailed(logger, userId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count the unfinished jobs of user {UserId} for their status message.")]
    private static partial void LogCountFailed(ILogger logger, long userId, Exception exception);
}
