using Gantry.Auth;
using Gantry.Domain;
using Gantry.Http;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Cloud;

/// <summary>
/// Finds a job for a caller and decides what they may know of it: a malformed id names no job, so it is 404 like an
/// unknown one (the Cloud spec lists no 400 for its job paths; the code <c>invalid_job_id</c> says why), another
/// user's job 403 (as the Cloud spec says), each with <c>{code, message}</c>.
/// </summary>
public static class JobAccess
{
    public static bool TryParseJobId(string text, out Guid id)
        => Guid.TryParseExact(text, "D", out id);

    public static async Task<(JobRecord? Job, JsonHttpResult<ErrorResponse>? Error)> FindAsync(
        IJobStore store, Caller caller, string jobIdText, CancellationToken cancellationToken)
    {
        if (!TryParseJobId(jobIdText, out var id))
        {
            return (null, ApiResults.NoSuchJobId(jobIdText));
        }

        var job = await store.GetJobAsync(id, cancellationToken);
        if (job is null)
        {
            return (null, ApiResults.JobNotFound(id));
        }

        return job.UserId == caller.UserId ? (job, null) : (null, ApiResults.JobForbidden(id));
    }

    public static async Task<(JobDetail? Detail, JsonHttpResult<ErrorResponse>? Error)> FindDetailAsync(
        IJobStore store, Caller caller, string jobIdText, CancellationToken cancellationToken)
    {
        if (!TryParseJobId(jobIdText, out var id))
        {
            return (null, ApiResults.NoSuchJobId(jobIdText));
        }

        var detail = await store.GetJobDetailAsync(id, cancellationToken);
        if (detail is null)
        {
            return (null, ApiResults.JobNotFound(id));
        }

        return detail.Job.UserId == caller.UserId ? (detail, null) : (null, ApiResults.JobForbidden(id));
    }
}
