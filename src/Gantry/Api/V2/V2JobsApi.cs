using Gantry.Api.V2.Contracts;
using Gantry.Auth;
using Gantry.Domain;
using Gantry.Jobs;
using Gantry.Jobs.Submission;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.V2;

/// <summary>
/// Comfy API v2 jobs (<c>openapi-v2.yaml</c>): submit, get, workflow, cancel. The same jobs as every other surface: a v2
/// submit goes through the one submit pipeline (<see cref="JobSubmitter"/>), and reads come from the store.
/// </summary>
public static class V2JobsApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapV2Jobs(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/v2/jobs").WithTags("v2 jobs");
        jobs.MapPost("", SubmitAsync).WithName("postJobs");
        jobs.MapGet("/{id}", GetAsync).WithName("getJob");
        jobs.MapGet("/{id}/workflow", GetWorkflowAsync).WithName("getJobWorkflow");
        jobs.MapPost("/{id}/cancel", CancelAsync).WithName("v2CancelJob");
        jobs.MapGet("/{id}/events", V2JobEvents.StreamAsync).WithName("getJobEvents");
        return app;
    }

    public static async Task<Results<JsonHttpResult<V2Job>, JsonHttpResult<V2ErrorEnvelope>>> SubmitAsync(
        HttpContext context, JobSubmitter submitter, IJobStore store, V2JobViews views, V2AssetResolver resolver, IOptions<ApiOptions> api, IOptions<V2Options> v2)
    {
        var key = ReadIdempotencyKey(context.Request, v2.Value.MaxIdempotencyKeyLength, out var keyError);
        if (keyError is not null)
        {
            return V2Errors.Unprocessable(V2Errors.InvalidRequest, keyError);
        }

        var limit = api.Value.MaxRequestBodyBytes;
        var body = await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted);
        if (body is null)
        {
            return V2Errors.Error(StatusCodes.Status413PayloadTooLarge, V2Errors.PayloadTooLarge, $"The request body is larger than the limit of {limit} bytes.");
        }

        var read = V2SubmitReader.Read(body, key, out var refusal);
        if (read is null)
        {
            return V2Errors.Unprocessable(refusal!.Code, refusal.Message);
        }

        var caller = context.GetCaller();
        var (submission, missing) = await resolver.ResolveAsync(caller.UserId, read, context.RequestAborted);
        if (submission is null)
        {
            return V2Errors.Unprocessable(V2Errors.MissingAsset, missing!);
        }

        var outcome = await submitter.SubmitAsync(caller, submission, context.RequestAborted);
        switch (outcome)
        {
            case SubmitOutcome.Accepted accepted:
                var detail = await store.GetJobDetailAsync(accepted.Job.Id, context.RequestAborted)
                    ?? new JobDetail(accepted.Job, new JobPayload { PromptJson = submission.PromptJson, OutputsToExecute = [] }, null);
                context.Response.Headers.Location = V2JobViews.UrlsOf(accepted.Job.Id).Self;
                return Job(await views.ToJobAsync(detail, context.Request, context.RequestAborted), StatusCodes.Status201Created);
            case SubmitOutcome.Rejected rejected:
                var rejection = rejected.Validation.Rejection!;
                return V2Errors.Unprocessable(
                    V2Errors.InvalidWorkflow, $"{rejection.Message}: {rejection.Details}", NodeErrorDetails(rejected.Validation.NodeErrorsJson));
            case SubmitOutcome.KeyReused:
                return V2Errors.Unprocessable(
                    V2Errors.IdempotencyKeyReuse,
                    "This Idempotency-Key was already used; keys are single-use for 24 hours. Poll or list your jobs to find the job it created.");
            case SubmitOutcome.QueueFull full:
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(full.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return V2Errors.Error(
                    StatusCodes.Status429TooManyRequests, V2Errors.QueueFull, $"You have {full.Queued} jobs waiting, the most allowed is {full.Limit}.");
            default:
                throw new InvalidOperationException($"Unexpected submit outcome {outcome}.");
        }
    }

    public static async Task<Results<JsonHttpResult<V2Job>, JsonHttpResult<V2ErrorEnvelope>>> GetAsync(
        string id, HttpContext context, IJobStore store, V2JobViews views)
    {
        var detail = await FindAsync(id, context, store, views);
        return detail is null ? V2Errors.JobNotFound() : Job(await views.ToJobAsync(detail, context.Request, context.RequestAborted));
    }

    public static async Task<Results<JsonHttpResult<V2JobWorkflow>, JsonHttpResult<V2ErrorEnvelope>>> GetWorkflowAsync(
        string id, HttpContext context, IJobStore store, V2JobViews views)
    {
        var detail = await FindAsync(id, context, store, views);
        return detail is null
            ? V2Errors.JobNotFound()
            : TypedResults.Json(
                new V2JobWorkflow(new Json.RawJson(detail.Payload.PromptJson), "api"), V2JsonContext.Default.V2JobWorkflow, contentType: "application/json");
    }

    /// <summary>Cancels in any state; a finished job is left as it is and returned.</summary>
    public static async Task<Results<JsonHttpResult<V2Job>, JsonHttpResult<V2ErrorEnvelope>>> CancelAsync(
        string id, HttpContext context, IJobStore store, V2JobViews views, JobCanceller canceller)
    {
        var detail = await FindAsync(id, context, store, views);
        if (detail is null)
        {
            return V2Errors.JobNotFound();
        }

        await canceller.CancelAsync(detail.Job, "Cancelled by the user.", context.RequestAborted);
        var now = await store.GetJobDetailAsync(detail.Job.Id, context.RequestAborted) ?? detail;
        return Job(await views.ToJobAsync(now, context.Request, context.RequestAborted));
    }

    /// <summary>The caller's job, or null for an id that is malformed, unknown, another user's, or past retention.</summary>
    public static async Task<JobDetail?> FindAsync(string id, HttpContext context, IJobStore store, V2JobViews views)
    {
        if (!Guid.TryParseExact(id, "D", out var jobId))
        {
            return null;
        }

        var detail = await store.GetJobDetailAsync(jobId, context.RequestAborted);
        return detail is null || detail.Job.UserId != context.GetCaller().UserId || views.IsGone(detail.Job) ? null : detail;
    }

    private static JsonHttpResult<V2Job> Job(V2Job job, int status = StatusCodes.Status200OK)
        => TypedResults.Json(job, V2JsonContext.Default.V2Job, contentType: "application/json", statusCode: status);

    /// <summary>One key of visible ASCII, at most <paramref name="maxLength"/> characters; null when none came.</summary>
    private static string? ReadIdempotencyKey(HttpRequest request, int maxLength, out string? error)
    {
        error = null;
        if (!request.Headers.TryGetValue(IdempotencyKeyHeader, out var values))
        {
            return null;
        }

        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            error = "Send exactly one non-empty Idempotency-Key header.";
            return null;
        }

        var key = values[0]!;
        if (key.Length > maxLength || key.Any(c => c is < '!' or > '~'))
        {
            error = $"The Idempotency-Key must be 1 to {maxLength} visible ASCII characters (a UUID is recommended).";
            return null;
        }

        return key;
    }

    private static byte[] NodeErrorDetails(byte[] nodeErrorsJson)
    {
        var details = new byte[nodeErrorsJson.Length + 16];
        "{\"node_errors\":"u8.CopyTo(details);
        nodeErrorsJson.CopyTo(details.AsSpan(15));
        details[^1] = (byte)'}';
        return details;
    }
}
