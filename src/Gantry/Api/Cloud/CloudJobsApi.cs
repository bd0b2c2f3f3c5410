using Gantry.Api.Cloud.Contracts;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Jobs;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Cloud;

/// <summary>The Cloud job endpoints: status, list, detail and cancel.</summary>
public static class CloudJobsApi
{
    public static IEndpointRouteBuilder MapCloudJobs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/job/{job_id}/status", GetStatusAsync).WithName("getJobStatus").WithTags("job");
        app.MapGet("/api/jobs", ListAsync).WithName("listJobs").WithTags("job");
        app.MapGet("/api/jobs/{job_id}", GetDetailAsync).WithName("getJobDetail").WithTags("job");
        app.MapPost("/api/jobs/{job_id}/cancel", CancelAsync).WithName("cancelJob").WithTags("job");
        app.MapPost("/api/job/{job_id}/cancel", CancelAsync).WithName("cancelJobSingular").WithTags("job");
        return app;
    }

    public static async Task<Results<Ok<JobStatusResponse>, JsonHttpResult<ErrorResponse>>> GetStatusAsync(
        string job_id, HttpContext context, IJobStore store, CloudJobViews views)
    {
        var (job, error) = await JobAccess.FindAsync(store, context.GetCaller(), job_id, context.RequestAborted);
        return job is null ? error! : TypedResults.Ok(views.ToStatus(job));
    }

    /// <summary>The page is written as JSON straight from the store's rows (see <see cref="JobListAnswer"/>), whole before it is sent.</summary>
    public static async Task<Results<JobListResult, JsonHttpResult<ErrorResponse>>> ListAsync(
        HttpContext context, IJobStore store, JobListAnswer answer)
    {
        var query = JobListQueryReader.Read(context.Request.Query, context.GetCaller().UserId, out var error);
        if (query is null)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, error!);
        }

        var body = new PooledByteBuffer(16 * 1024);
        try
        {
            await answer.WriteAsync(store, query, body, context.RequestAborted);
            return new JobListResult(body);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public static async Task<Results<Ok<JobDetailResponse>, JsonHttpResult<ErrorResponse>>> GetDetailAsync(
        string job_id, HttpContext context, IJobStore store, CloudJobViews views)
    {
        var (detail, error) = await JobAccess.FindDetailAsync(store, context.GetCaller(), job_id, context.RequestAborted);
        return detail is null ? error! : TypedResults.Ok(views.ToDetail(detail));
    }

    /// <summary>Cancels in any state; <c>cancelled</c> is false when the job had already finished.</summary>
    public static async Task<Results<Ok<CancelResponse>, JsonHttpResult<ErrorResponse>>> CancelAsync(
        string job_id, HttpContext context, IJobStore store, JobCanceller canceller)
    {
        var (job, error) = await JobAccess.FindAsync(store, context.GetCaller(), job_id, context.RequestAborted);
        if (job is null)
        {
            return error!;
        }

        var cancelled = await canceller.CancelAsync(job, "Cancelled by the user.", context.RequestAborted);
        return TypedResults.Ok(new CancelResponse(cancelled is not null));
    }
}
