using System.Globalization;
using Gantry.Api.Cloud.Contracts;
using Gantry.Api.Json;
using Gantry.Domain;
using Gantry.Jobs;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Cloud;

/// <summary>
/// Turns stored jobs into the Cloud API's shapes. Terminal-only fields (outputs, preview, counts,
/// execution times) appear only in terminal states, as the spec says.
/// </summary>
public sealed class CloudJobViews(IOptions<ApiOptions> options)
{
    private readonly bool _milliseconds = options.Value.TimestampsInMilliseconds;
    private readonly bool _failedWord = options.Value.JobStatusFailed;

    public JobStatusResponse ToStatus(JobRecord job) => new(
        job.Id.ToString("D"),
        JobStatusVocabulary.ToCloudStatus(job.State, _failedWord),
        IsoTime(job.CreatedAtMs),
        IsoTime(job.UpdatedAtMs),
        IsoTime(job.StateChangedAtMs),
        job.Worker,
        job.ErrorMessage,
        job.DispatchedAtMs is { } dispatched ? IsoTime(dispatched) : null);

    public JobEntry ToEntry(JobRecord job)
    {
        var terminal = JobStateMachine.IsTerminal(job.State);
        return new JobEntry
        {
            Id = job.Id.ToString("D"),
            Status = JobStatusVocabulary.ToWire(JobStatusVocabulary.ToPublicStatus(job.State)),
            ExecutionError = job.State == JobState.Failed ? RawJson.From(job.ExecutionErrorJson) : null,
            CreateTime = ListTime(job.CreatedAtMs),
            PreviewOutput = terminal ? RawJson.From(job.PreviewOutputJson) : null,
            OutputsCount = terminal ? job.OutputsCount ?? 0 : null,
            WorkflowId = job.WorkflowId,
            ExecutionStartTime = terminal ? job.ExecutionStartMs : null,
            ExecutionEndTime = terminal ? job.ExecutionEndMs : null,
        };
    }

    public JobDetailResponse ToDetail(JobDetail detail)
    {
        var job = detail.Job;
        var terminal = JobStateMachine.IsTerminal(job.State);
        var result = terminal ? detail.Result : null;
        return new JobDetailResponse
        {
            Id = job.Id.ToString("D"),
            Status = JobStatusVocabulary.ToWire(JobStatusVocabulary.ToPublicStatus(job.State)),
            Workflow = new WorkflowBody(new RawJson(detail.Payload.PromptJson), new RawJson(ExtraDataJson.ForDisplay(detail.Payload.ExtraDataJson))),
            ExecutionError = job.State == JobState.Failed ? RawJson.From(job.ExecutionErrorJson) : null,
            CreateTime = ListTime(job.CreatedAtMs),
            UpdateTime = ListTime(job.UpdatedAtMs),
            Outputs = terminal ? RawJson.From(result?.OutputsJson) ?? RawJson.EmptyObject : null,
            PreviewOutput = terminal ? RawJson.From(job.PreviewOutputJson) : null,
            OutputsCount = terminal ? job.OutputsCount ?? 0 : null,
            WorkflowId = job.WorkflowId,
            ExecutionStatus = terminal ? RawJson.From(result?.StatusJson) ?? RawJson.From(HistoryStatus.ForJobWithoutRun(job)) : null,
            ExecutionMeta = terminal ? RawJson.From(result?.MetaJson) ?? RawJson.EmptyObject : null,
        };
    }

    /// <summary><c>create_time</c>/<c>update_time</c> of <c>/api/jobs*</c>: seconds per the spec, or milliseconds by setting.</summary>
    public long ListTime(long unixMs) => _milliseconds ? unixMs : unixMs / 1000;

    public static string IsoTime(long unixMs)
        => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
