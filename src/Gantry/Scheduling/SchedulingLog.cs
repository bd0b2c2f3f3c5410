using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>The dispatcher's log messages.</summary>
internal static partial class SchedulingLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Dispatcher started: {Queued} queued jobs, {OnWorkers} on workers")]
    public static partial void Started(ILogger logger, int queued, int onWorkers);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Job {JobId} dispatched to {Worker}")]
    public static partial void Dispatched(ILogger logger, Guid jobId, string worker);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Worker {Worker} refused job {JobId}: {Reason}")]
    public static partial void Refused(ILogger logger, string worker, Guid jobId, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Worker {Worker} cannot take job {JobId} now ({Reason}); it goes back to the queue")]
    public static partial void Unavailable(ILogger logger, string worker, Guid jobId, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Job {JobId} ended on {Worker}: {State}")]
    public static partial void Ended(ILogger logger, Guid jobId, string worker, Gantry.Domain.JobState state);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Worker {Worker} lost job {JobId}: {Reason}")]
    public static partial void Lost(ILogger logger, string worker, Guid jobId, string reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Job {JobId} exceeded the maximum runtime on {Worker}; interrupting it")]
    public static partial void TimedOut(ILogger logger, Guid jobId, string worker);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Job {JobId} cannot run on any worker: {Reason}")]
    public static partial void Unrunnable(ILogger logger, Guid jobId, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Dispatcher work for job {JobId} failed")]
    public static partial void WorkFailed(ILogger logger, Guid jobId, Exception exception);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Worker {Worker} did not confirm the stop of job {JobId} in time; Gantry ends it")]
    public static partial void GraceExpired(ILogger logger, string worker, Guid jobId);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Could not ask worker {Worker} about job {JobId}: {Reason}")]
    public static partial void ReconcileFailed(ILogger logger, string worker, Guid jobId, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Worker {Worker} is {State}")]
    public static partial void WorkerState(ILogger logger, string worker, WorkerState state);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Error, Message = "A dispatcher step failed")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "Job {JobId} is taken back to {Worker}, which came back still running it")]
    public static partial void TakenBack(ILogger logger, Guid jobId, string worker);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "Job {JobId} ended with the result of {Worker}, which came back with it finished: {State}")]
    public static partial void ResultTaken(ILogger logger, Guid jobId, string worker, Gantry.Domain.JobState state);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Information, Message = "What {Worker} came back with for job {JobId} is not taken: {Reason}")]
    public static partial void LeftBehindDropped(ILogger logger, Guid jobId, string worker, string reason);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Information, Message = "Worker {Worker} came back with job {JobId}, which is {State} here; stopping it there")]
    public static partial void StoppingLeftBehind(ILogger logger, string worker, Guid jobId, Gantry.Domain.JobState? state);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Warning, Message = "The dispatcher stopped with {Count} pieces of work still running after {Bound}")]
    public static partial void DrainTimedOut(ILogger logger, int count, TimeSpan bound);
}
