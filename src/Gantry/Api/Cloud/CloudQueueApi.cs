using System.Text.Json;
using Gantry.Api.Cloud.Contracts;
using Gantry.Api.Json;
using Gantry.Auth;
using Gantry.Domain;
using Gantry.Http;
using Gantry.Jobs;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Cloud;

/// <summary><c>GET/POST /api/queue</c> and <c>POST /api/interrupt</c>, scoped to the caller.</summary>
public static class CloudQueueApi
{
    /// <summary>The most queue entries one answer lists (per list).</summary>
    public const int MaxListed = 100_000;

    public static IEndpointRouteBuilder MapCloudQueue(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/queue", GetAsync).WithName("getQueueInfo").WithTags("job");
        app.MapPost("/api/queue", ManageAsync).WithName("manageQueue").WithTags("job");
        app.MapPost("/api/interrupt", InterruptAsync).WithName("interruptJob").WithTags("job");
        return app;
    }

    /// <summary>Running items then pending items, each oldest first, numbered 1, 2, … across both lists.</summary>
    public static async Task<Ok<QueueInfo>> GetAsync(HttpContext context, IJobStore store)
    {
        var (running, pending) = await QueueSnapshot.ReadAsync(store, context.GetCaller().UserId, ossOrder: false, context.RequestAborted);
        return TypedResults.Ok(new QueueInfo(running, pending));
    }

    /// <summary>Cancels the listed jobs whatever their state (a superset of the spec's pending-only), and with <c>clear</c> every waiting job.</summary>
    public static async Task<Results<Ok<QueueManageResponse>, JsonHttpResult<ErrorResponse>>> ManageAsync(
        HttpContext context, IJobStore store, JobCanceller canceller, IOptions<ApiOptions> options)
    {
        var (document, error) = await JsonBodyReader.ReadAsync(context, options.Value, allowEmpty: false);
        using (document)
        {
            if (error is not null)
            {
                return error;
            }

            var request = ManageRequest.Read(document!.RootElement, out var problem);
            if (request is null)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidRequest, problem!);
            }

            var userId = context.GetCaller().UserId;
            var deleted = await QueueActions.CancelListedAsync(
                store, canceller, userId, request.JobIds(), static _ => true, "Deleted from the queue by the user.", context.RequestAborted);
            if (request.Clear)
            {
                deleted.AddRange(await QueueActions.CancelWaitingAsync(store, canceller, userId, "Queue cleared by the user.", context.RequestAborted));
            }

            return TypedResults.Ok(new QueueManageResponse(deleted.Distinct().ToList(), request.Clear));
        }
    }

    /// <summary>Cancels the caller's running jobs, or only the job named by an optional <c>{"prompt_id"}</c>.</summary>
    public static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> InterruptAsync(
        HttpContext context, IJobStore store, JobCanceller canceller, IOptions<ApiOptions> options)
    {
        var (document, error) = await JsonBodyReader.ReadAsync(context, options.Value, allowEmpty: true);
        using (document)
        {
            if (error is not null)
            {
                return error;
            }

            Guid? jobId = null;
            if (document is not null && document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("prompt_id", out var promptId) && promptId.ValueKind != JsonValueKind.Null)
            {
                if (promptId.ValueKind != JsonValueKind.String || !JobAccess.TryParseJobId(promptId.GetString()!, out var id))
                {
                    return ApiResults.InvalidJobId(promptId.ToString());
                }

                jobId = id;
            }

            await QueueActions.InterruptAsync(store, canceller, context.GetCaller().UserId, jobId, context.RequestAborted);
            return TypedResults.Ok();
        }
    }
}

/// <summary>A caller's queue as positional items, in the Cloud or the OSS element order.</summary>
public static class QueueSnapshot
{
    private static readonly IReadOnlyList<JobState> Running = [JobState.Running, JobState.Cancelling];
    private static readonly IReadOnlyList<JobState> Pending = [JobState.Queued, JobState.Dispatched];

    public static async Task<(IReadOnlyList<QueueItem> Running, IReadOnlyList<QueueItem> Pending)> ReadAsync(
        IJobStore store, long userId, bool ossOrder, CancellationToken cancellationToken)
    {
        var running = await store.ListUserJobsWithPayloadsAsync(userId, Running, CloudQueueApi.MaxListed, cancellationToken);
        var pending = await store.ListUserJobsWithPayloadsAsync(userId, Pending, CloudQueueApi.MaxListed, cancellationToken);
        var number = 0;
        return (running.Select(j => ToItem(j.Job, j.Payload, ++number, ossOrder)).ToList(),
                pending.Select(j => ToItem(j.Job, j.Payload, ++number, ossOrder)).ToList());
    }

    /// <summary>One job as a queue tuple (also what OSS history entries carry as their <c>prompt</c>).</summary>
    public static QueueItem ToItem(JobRecord job, JobPayload payload, double number, bool ossOrder)
    {
        var fourth = ossOrder
            ? new RawJson(ExtraDataJson.WithCreateTime(payload.ExtraDataJson, job.CreatedAtMs, job.ClientId))
            : new RawJson(ExtraDataJson.CreateTimeOnly(job.CreatedAtMs));
        return new QueueItem(number, job.Id.ToString("D"), new RawJson(payload.PromptJson), payload.OutputsToExecute, fourth, ossOrder);
    }
}
