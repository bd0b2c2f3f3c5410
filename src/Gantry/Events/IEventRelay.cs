namespace Gantry.Events;

/// <summary>
/// Carries a user's job frames from the instance that produced them to the others, which publish them to their own
/// subscribers (<see cref="EventHub.PublishHere"/>) in the order they were produced.
/// </summary>
public interface IEventRelay
{
    /// <summary>Queues the frame for the other instances; never blocks (runs on the publisher's thread).</summary>
    void Forward(long userId, EventFrame frame);
}
