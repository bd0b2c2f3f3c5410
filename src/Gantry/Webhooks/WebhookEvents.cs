using Gantry.Domain;

namespace Gantry.Webhooks;

/// <summary>The event types a webhook endpoint can subscribe to, and which job state raises which.</summary>
public static class WebhookEvents
{
    public const string JobStarted = "job.started";
    public const string JobSucceeded = "job.succeeded";
    public const string JobFailed = "job.failed";
    public const string JobCanceled = "job.canceled";

    public static readonly IReadOnlyList<string> All = [JobStarted, JobSucceeded, JobFailed, JobCanceled];

    /// <summary>The event a job's new state raises, or null (queued, dispatched and cancelling raise none).</summary>
    public static string? For(JobState state) => state switch
    {
        JobState.Running => JobStarted,
        JobState.Succeeded => JobSucceeded,
        JobState.Failed => JobFailed,
        JobState.Cancelled => JobCanceled,
        _ => null,
    };
}
