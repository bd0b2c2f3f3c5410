namespace Gantry.Events.Cluster;

internal static partial class EventRelayLog
{
    [LoggerMessage(EventId = 1350, Level = LogLevel.Warning, Message = "Event relay: {Reason}. Trying again.")]
    public static partial void Failed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1351, Level = LogLevel.Warning, Message = "Event relay: {Count} notifications from other instances were lost (a database session dropped, or a sender's outbox was full); {Total} so far.")]
    public static partial void Gap(ILogger logger, long count, long total);

    [LoggerMessage(EventId = 1352, Level = LogLevel.Warning, Message = "Event relay: the outbox is full; a frame of job {JobId} reaches this instance's clients only.")]
    public static partial void OutboxFull(ILogger logger, Guid jobId);

    [LoggerMessage(EventId = 1353, Level = LogLevel.Debug, Message = "Event relay: a {Bytes}-byte {Kind} of job {JobId} is over the relay's limit; it reaches this instance's clients only.")]
    public static partial void TooBig(ILogger logger, int bytes, string kind, Guid jobId);

    [LoggerMessage(EventId = 1354, Level = LogLevel.Information, Message = "Event relay: listening for the other instances' events as {Sender}.")]
    public static partial void Listening(ILogger logger, string sender);
}
