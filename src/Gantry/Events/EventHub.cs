using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Gantry.Events;

/// <summary>
/// Fans a user's job events out to every subscriber of that user (Comfy Cloud semantics: each socket of a
/// user receives all of that user's events, and only theirs). Publishing never blocks: each subscriber has
/// its own bounded buffer, and a subscriber that falls that far behind is cut off (its
/// <see cref="EventSubscription.Overflowed"/> is set and its reader completes) rather than slowing everyone.
/// </summary>
public sealed class EventHub
{
    public const int DefaultCapacity = 4096;

    private readonly ConcurrentDictionary<long, EventSubscription[]> _subscribers = new();

    /// <summary>Starts receiving the user's frames; dispose the subscription to stop.</summary>
    /// <param name="userId">Whose frames.</param>
    /// <param name="capacity">How many frames the subscriber may fall behind before it is cut off.</param>
    /// <param name="onOverflow">Called once, on the publisher's thread, when the subscriber is cut off; must only hand work off.</param>
    public EventSubscription Subscribe(long userId, int capacity = DefaultCapacity, Action? onOverflow = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var subscription = new EventSubscription(this, userId, capacity, onOverflow);
        _subscribers.AddOrUpdate(userId, _ => [subscription], (_, existing) => [.. existing, subscription]);
        return subscription;
    }

    /// <summary>
    /// Sees every published frame of every user before the subscribers do (the v2 progress tracker keeps each job's
    /// latest snapshot from them). Runs on the publisher's thread: it must only record, never block.
    /// </summary>
    public Action<EventFrame>? Observer { get; set; }

    /// <summary>
    /// Carries job frames to the other instances' hubs (PostgreSQL with several instances); null on one instance. Set once at
    /// start, before anything is published.
    /// </summary>
    public IEventRelay? Relay { get; set; }

    /// <summary>Sends a frame to all of the user's subscribers, here and (a job's frame) on the other instances.</summary>
    public void Publish(long userId, EventFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.JobId is not null)
        {
            Relay?.Forward(userId, frame);
        }

        PublishHere(userId, frame);
    }

    /// <summary>Sends a frame to the user's subscribers on this instance only (a frame another instance relayed).</summary>
    public void PublishHere(long userId, EventFrame frame)
    {
        Observer?.Invoke(frame);
        if (!_subscribers.TryGetValue(userId, out var subscribers))
        {
            return;
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Offer(frame);
        }
    }

    public int SubscriberCount(long userId) => _subscribers.TryGetValue(userId, out var subscribers) ? subscribers.Length : 0;

    internal void Remove(EventSubscription subscription)
    {
        while (_subscribers.TryGetValue(subscription.UserId, out var existing))
        {
            var remaining = existing.Where(s => !ReferenceEquals(s, subscription)).ToArray();
            var updated = remaining.Length == 0
                ? _subscribers.TryRemove(new KeyValuePair<long, EventSubscription[]>(subscription.UserId, existing))
                : _subscribers.TryUpdate(subscription.UserId, remaining, existing);
            if (updated)
            {
                return;
            }
        }
    }
}

/// <summary>One subscriber's view of a user's events.</summary>
public sealed class EventSubscription : IDisposable
{
    private const int Open = 0;
    private const int CutOff = 1;
    private const int Disposed = 2;

    private readonly EventHub _hub;
    private readonly Channel<EventFrame> _channel;
    private readonly Action? _onOverflow;
    private int _state;

    internal EventSubscription(EventHub hub, long userId, int capacity, Action? onOverflow)
    {
        _hub = hub;
        _onOverflow = onOverflow;
        UserId = userId;
        _channel = Channel.CreateBounded<EventFrame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public long UserId { get; }

    public ChannelReader<EventFrame> Reader => _channel.Reader;

    /// <summary>Set when the subscriber fell more than its capacity behind and was cut off.</summary>
    public bool Overflowed => Volatile.Read(ref _state) == CutOff;

    public void Dispose()
    {
        Interlocked.CompareExchange(ref _state, Disposed, Open);
        _hub.Remove(this);
        _channel.Writer.TryComplete();
    }

    /// <summary>Queues a frame for this subscriber alone (a reply to something its client sent), subject to the same capacity.</summary>
    internal void Offer(EventFrame frame)
    {
        if (_channel.Writer.TryWrite(frame) || Interlocked.CompareExchange(ref _state, CutOff, Open) != Open)
        {
            return;
        }

        _channel.Writer.TryComplete();
        _hub.Remove(this);
        _onOverflow?.Invoke();
    }
}
