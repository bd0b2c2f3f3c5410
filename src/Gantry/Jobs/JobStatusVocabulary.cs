using Gantry.Domain;

namespace Gantry.Jobs;

/// <summary>
/// The projections of <see cref="JobState"/> onto each surface's words (DESIGN.md §4).
/// This table is the only place that decides what status a client sees.
/// </summary>
public static class JobStatusVocabulary
{
    /// <summary>The <c>JobStatusResponse.status</c> enum of <c>GET /api/job/{id}/status</c>.</summary>
    /// <param name="state">The job's state.</param>
    /// <param name="failedWord">
    /// <c>Gantry:Api:JobStatusFailed</c>: <c>failed</c> for a failed or cancelled job, for clients that know only
    /// <c>completed</c> and <c>failed</c> as ends (cancelled is an end too; they would poll it forever).
    /// </param>
    public static string ToCloudStatus(JobState state, bool failedWord = false) => state switch
    {
        JobState.Failed or JobState.Cancelling or JobState.Cancelled when failedWord => "failed",
        JobState.Queued => "waiting_to_dispatch",
        JobState.Dispatched => "pending",
        JobState.Running => "in_progress",
        JobState.Cancelling => "cancelled",
        JobState.Succeeded => "completed",
        JobState.Failed => "error",
        JobState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The <c>status</c> of <c>/api/jobs</c> and <c>/api/jobs/{id}</c> (also OSS <c>/api/jobs</c>).</summary>
    public static PublicJobStatus ToPublicStatus(JobState state) => state switch
    {
        JobState.Queued or JobState.Dispatched => PublicJobStatus.Pending,
        JobState.Running => PublicJobStatus.InProgress,
        JobState.Succeeded => PublicJobStatus.Completed,
        JobState.Failed => PublicJobStatus.Failed,
        JobState.Cancelling or JobState.Cancelled => PublicJobStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The <c>JobStatus</c> enum of Comfy API v2 (<c>/api/v2/jobs</c>); <c>expired</c> is decided by retention, not by state.</summary>
    public static string ToV2Status(JobState state) => state switch
    {
        JobState.Queued or JobState.Dispatched => "queued",
        JobState.Running => "running",
        JobState.Cancelling => "canceling",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Cancelled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The internal states a public status stands for; what a <c>status=</c> filter selects.</summary>
    public static IReadOnlyList<JobState> StatesOf(PublicJobStatus status) => status switch
    {
        PublicJobStatus.Pending => [JobState.Queued, JobState.Dispatched],
        PublicJobStatus.InProgress => [JobState.Running],
        PublicJobStatus.Completed => [JobState.Succeeded],
        PublicJobStatus.Failed => [JobState.Failed],
        PublicJobStatus.Cancelled => [JobState.Cancelling, JobState.Cancelled],
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string ToWire(PublicJobStatus status) => status switch
    {
        PublicJobStatus.Pending => "pending",
        PublicJobStatus.InProgress => "in_progress",
        PublicJobStatus.Completed => "completed",
        PublicJobStatus.Failed => "failed",
        PublicJobStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool TryParsePublic(ReadOnlySpan<char> text, out PublicJobStatus status)
    {
        status = text switch
        {
            "pending" => PublicJobStatus.Pending,
            "in_progress" => PublicJobStatus.InProgress,
            "completed" => PublicJobStatus.Completed,
            "failed" => PublicJobStatus.Failed,
            "cancelled" => PublicJobStatus.Cancelled,
            _ => (PublicJobStatus)(-1),
        };
        return (int)status >= 0;
    }

    /// <summary>Where OSS <c>/queue</c> lists the job; null once it belongs to <c>/history</c>.</summary>
    public static OssQueueSlot? ToOssQueueSlot(JobState state) => state switch
    {
        JobState.Queued or JobState.Dispatched => OssQueueSlot.Pending,
        JobState.Running or JobState.Cancelling => OssQueueSlot.Running,
        _ => null,
    };

    /// <summary>The OSS history <c>status.status_str</c> of a finished job.</summary>
    public static string? ToOssStatusString(JobState state) => state switch
    {
        JobState.Succeeded => "success",
        JobState.Failed or JobState.Cancelled => "error",
        _ => null,
    };
}

/// <summary>The five statuses of <c>/api/jobs</c>.</summary>
public enum PublicJobStatus
{
    Pending = 0,
    InProgress = 1,
    Completed = 2,
    Failed = 3,
    Cancelled = 4,
}

/// <summary>The two lists of OSS <c>GET /queue</c>.</summary>
public enum OssQueueSlot
{
    Running = 0,
    Pending = 1,
}
