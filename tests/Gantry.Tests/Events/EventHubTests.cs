using Gantry.Events;

namespace Gantry.Tests.Events;

/// <summary><see cref="EventHub"/>: per-user fan-out and cutting off subscribers that fall behind.</summary>
public sealed class EventHubTests
{
    [Fact]
    public void Frames_go_to_each_subscriber_of_the_user_only()
    {
        var hub = new EventHub();
        using var first = hub.Subscribe(1);
        using var second = hub.Subscribe(1);
        using var other = hub.Subscribe(2);
        var frame = EventFrame.Text("progress", null, "{}"u8.ToArray());
        hub.Publish(1, frame);
        hub.Publish(3, frame);

        first.Reader.TryRead(out var a).ShouldBeTrue();
        a.ShouldBeSameAs(frame);
        second.Reader.TryRead(out var b).ShouldBeTrue();
        b.ShouldBeSameAs(frame);
        other.Reader.TryRead(out _).ShouldBeFalse();
        hub.SubscriberCount(1).ShouldBe(2);
    }

    [Fact]
    public void A_full_subscriber_is_cut_off_once_and_told_so()
    {
        var hub = new EventHub();
        var overflows = 0;
        using var slow = hub.Subscribe(1, capacity: 2, onOverflow: () => overflows++);
        using var healthy = hub.Subscribe(1, capacity: 10);
        var frame = EventFrame.Text("progress", null, "{}"u8.ToArray());
        for (var i = 0; i < 5; i++)
        {
            hub.Publish(1, frame);
        }

        slow.Overflowed.ShouldBeTrue();
        overflows.ShouldBe(1);
        hub.SubscriberCount(1).ShouldBe(1);
        healthy.Overflowed.ShouldBeFalse();
        var count = 0;
        while (healthy.Reader.TryRead(out _))
        {
            count++;
        }

        count.ShouldBe(5);
    }

    [Fact]
    public void A_disposed_subscriber_is_never_reported_as_overflowed()
    {
        var hub = new EventHub();
        var overflows = 0;
        var subscription = hub.Subscribe(1, capacity: 1, onOverflow: () => overflows++);
        subscription.Offer(EventFrame.Text("a", null, "{}"u8.ToArray()));
        subscription.Dispose();
        subscription.Offer(EventFrame.Text("b", null, "{}"u8.ToArray()));

        subscription.Overflowed.ShouldBeFalse();
        overflows.ShouldBe(0);
        hub.SubscriberCount(1).ShouldBe(0);
    }
}
