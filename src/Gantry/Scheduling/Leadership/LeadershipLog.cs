namespace Gantry.Scheduling.Leadership;

internal static partial class LeadershipLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Following: waiting to lead the dispatcher (instance {Instance}).")]
    public static partial void Following(ILogger logger, string instance);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Leading the dispatcher: instance {Instance}, epoch {Epoch}.")]
    public static partial void Leading(ILogger logger, string instance, long epoch);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "Lost the dispatcher's leadership (epoch {Epoch}): {Reason}. Stopping, so that a restart follows again.")]
    public static partial void Lost(ILogger logger, long epoch, string reason);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Could not try for leadership: {Reason}. Trying again.")]
    public static partial void TryFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Gave up the dispatcher's leadership (epoch {Epoch}).")]
    public static partial void Released(ILogger logger, long epoch);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "Cluster notifications: {Reason}. Reconnecting.")]
    public static partial void NoticesFailed(ILogger logger, string reason);
}
