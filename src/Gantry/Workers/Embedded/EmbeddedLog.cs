namespace Gantry.Workers.Embedded;

/// <summary>The embedded workers' log messages.</summary>
internal static partial class EmbeddedLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Embedded worker {Worker} runs job {JobId}")]
    public static partial void Running(ILogger logger, string worker, Guid jobId);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Embedded worker {Worker} finished job {JobId}: {Result}")]
    public static partial void Finished(ILogger logger, string worker, Guid jobId, WorkerJobResult result);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Embedded worker {Worker} failed running job {JobId}")]
    public static partial void RunFailed(ILogger logger, string worker, Guid jobId, Exception exception);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Embedded worker {Worker}: a dispatcher callback for job {JobId} threw")]
    public static partial void CallbackFailed(ILogger logger, string worker, Guid jobId, Exception exception);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Embedded worker {Worker}: the outputs of job {JobId} could not be imported")]
    public static partial void ImportFailed(ILogger logger, string worker, Guid jobId, Exception exception);
}
