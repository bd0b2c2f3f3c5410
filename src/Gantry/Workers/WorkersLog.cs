namespace Gantry.Workers;

/// <summary>The worker pool's log messages.</summary>
internal static partial class WorkersLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Worker {Name} ({Kind}, {Where}) started")]
    public static partial void Started(ILogger logger, string name, string kind, string where);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Worker {Name} is skipped: a worker with that name exists already")]
    public static partial void DuplicateName(ILogger logger, string name);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Worker {Name} is not started: {Reason}")]
    public static partial void BadRegistration(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Worker {Name} was removed")]
    public static partial void Removed(ILogger logger, string name);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Worker {Name} is draining")]
    public static partial void Draining(ILogger logger, string name);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Worker {Name} takes jobs again (drain undone)")]
    public static partial void Resumed(ILogger logger, string name);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Worker {Name} did not stop cleanly")]
    public static partial void StopFailed(ILogger logger, string name, Exception exception);
}
