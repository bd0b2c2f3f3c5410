using System.Text.Json;
using Gantry.Api.Cloud;
using Gantry.Api.Cloud.Contracts;
using Gantry.Auth;
using Gantry.Http;
using Gantry.Jobs;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Comfy;

/// <summary>
/// ComfyUI's bare <c>GET/POST /queue</c> and <c>POST /interrupt</c>, scoped to the caller. (<c>/api/queue</c> and
/// <c>/api/interrupt</c> are Cloud routes: see <see cref="CloudQueueApi"/>.)
/// </summary>
public static class NativeQueueApi
{
    public static IEndpointRouteBuilder MapComfyQueue(this IEndpointRouteBuilder app)
    {
        app.MapGet("/queue", GetAsync).WithTags(ComfyNativeApi.Tag);
        app.MapPost("/queue", ManageAsync).WithTags(ComfyNativeApi.Tag);
        app.MapPost("/interrupt", InterruptAsync).WithTags(ComfyNativeApi.Tag);
        return app;
    }

    /// <summary>OSS tuples <c>[number, prompt_id, prompt, extra_data, outputs_to_execute]</c>: running, then pending oldest first.</summary>
    public static async Task<Ok<QueueInfo>> GetAsync(HttpContext context, IJobStore store)
    {
        var (running, pending) = await QueueSnapshot.ReadAsync(store, context.GetCaller().UserId, ossOrder: true, context.RequestAborted);
        return TypedResults.Ok(new QueueInfo(running, pending));
    }

    /// <summary>
    /// As ComfyUI: <c>delete</c> removes the listed jobs that still wait (running ones are left to <c>/interrupt</c>),
    /// <c>clear</c> every waiting job; other properties are ignored; the answer is an empty 200.
    /// </summary>
    public static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> ManageAsync(
        HttpContext context, IJobStore store, JobCanceller canceller, IOptions<ApiOptions> options)
    {
        var (document, error) = await JsonBodyReader.ReadAsync(context, options.Value, allowEmpty: false);
        using (document)
        {
            if (error is not null)
            {
                return error;
            }

            var request = ManageRequest.Read(document!.RootElement, out var problem, allowOtherProperties: true);
            if (request is null)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidRequest, problem!);
            }

            var userId = context.GetCaller().UserId;
            await QueueActions.CancelListedAsync(
                store, canceller, userId, request.JobIds(), static state => JobStatusVocabulary.ToOssQueueSlot(state) == OssQueueSlot.Pending,
                "Deleted from the queue by the user.", context.RequestAborted);
            if (request.Clear)
            {
                await QueueActions.CancelWaitingAsync(store, canceller, userId, "Queue cleared by the user.", context.RequestAborted);
            }

            return TypedResults.Ok();
        }
    }

    /// <summary>
    /// As ComfyUI: <c>{"prompt_id": …}</c> interrupts that job if it is the caller's and on a worker (else nothing);
    /// any other body, even an unreadable one, interrupts all of the caller's running jobs, with an empty 200. A body that
    /// breaks Gantry's reader rule (a lone surrogate, which ComfyUI would read as a prompt id it does not know) is refused
    /// with 400 and interrupts nothing.
    /// </summary>
    public static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> InterruptAsync(
        HttpContext context, IJobStore store, JobCanceller canceller, IOptions<ApiOptions> options)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        var body = await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted);
        if (body is null)
        {
            return ApiResults.TooLarge(limit);
        }

        if (RequestBody.BreaksReaderRule(body) is { } broken)
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidJson, $"The request body is not valid JSON: {broken}");
        }

        var userId = context.GetCaller().UserId;
        using var document = RequestBody.IsEmpty(body) ? null : RequestBody.TryParse(body, out _);
        if (document is not null && document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("prompt_id", out var promptId) && promptId.ValueKind != JsonValueKind.Null)
        {
            if (promptId.ValueKind == JsonValueKind.String && JobAccess.TryParseJobId(promptId.GetString()!, out var id))
            {
                await QueueActions.InterruptAsync(store, canceller, userId, id, context.RequestAborted);
            }

            return TypedResults.Ok();
        }

        await QueueActions.InterruptAsync(store, canceller, userId, null, context.RequestAborted);
        return TypedResults.Ok();
    }
}
