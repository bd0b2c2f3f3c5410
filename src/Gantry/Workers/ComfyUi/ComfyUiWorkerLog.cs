namespace Gantry.Workers.ComfyUi;

internal static partial class ComfyUiWorkerLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Worker {Worker} online at {Url} (ComfyUI {Version}, {NodeCount} node classes, {ModelFolders} model folders)")]
    public static partial void Online(ILogger logger, string worker, string url, string version, int nodeCount, int modelFolders);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Worker {Worker} offline: {Reason}; next attempt in {Delay}")]
    public static partial void Offline(ILogger logger, string worker, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Worker {Worker} catalog changed: {NodeCount} node classes, {ModelFolders} model folders")]
    public static partial void CatalogChanged(ILogger logger, string worker, int nodeCount, int modelFolders);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Worker {Worker} ignored a WebSocket frame: {Reason}")]
    public static partial void FrameIgnored(ILogger logger, string worker, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Worker {Worker} queued job {JobId}")]
    public static partial void Queued(ILogger logger, string worker, Guid jobId);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Worker {Worker} queued job {JobId} but dropped {Count} output node(s) that failed its validation: {NodeErrors}")]
    public static partial void QueuedWithNodeErrors(ILogger logger, string worker, Guid jobId, int count, string nodeErrors);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Worker {Worker} refused job {JobId}: {Reason}")]
    public static partial void Rejected(ILogger logger, string worker, Guid jobId, string reason);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "Worker {Worker} finished job {JobId}: {Result}")]
    public static partial void Finished(ILogger logger, string worker, Guid jobId, WorkerJobResult result);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "Worker {Worker} lost job {JobId}: {Reason}")]
    public static partial void Lost(ILogger logger, string worker, Guid jobId, string reason);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Warning, Message = "Worker {Worker}: history of job {JobId} never appeared; its outcome is rebuilt from the WebSocket events")]
    public static partial void HistoryFromEvents(ILogger logger, string worker, Guid jobId);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Error, Message = "Worker {Worker}: a dispatcher callback failed")]
    public static partial void CallbackFailed(ILogger logger, string worker, Exception exception);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Error, Message = "Worker {Worker}: unexpected failure")]
    public static partial void Unexpected(ILogger logger, string worker, Exception exception);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "Worker {Worker} stored upload '{Expected}' as '{Actual}'")]
    public static partial void UploadRenamed(ILogger logger, string worker, string expected, string actual);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Information, Message = "Worker {Worker}: cancelling job {JobId} ({Where})")]
    public static partial void Cancelling(ILogger logger, string worker, Guid jobId, WorkerJobPresence where);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Warning, Message = "Worker {Worker}: the catalog refresh failed: {Reason}")]
    public static partial void RefreshFailed(ILogger logger, string worker, string reason);

    [LoggerMessage(EventId = 3115, Level = LogLevel.Warning, Message = "Worker {Worker}: fetching the outcome of job {JobId} failed: {Reason}")]
    public static partial void OutcomeFailed(ILogger logger, string worker, Guid jobId, string reason);

    [LoggerMessage(EventId = 3116, Level = LogLevel.Warning, Message = "Worker {Worker}: output '{Filename}' of job {JobId} could not be fetched ({Status}); it is left out")]
    public static partial void OutputRefused(ILogger logger, string worker, Guid jobId, string filename, int status);
}
