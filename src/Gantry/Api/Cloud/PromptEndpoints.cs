using Gantry.Api.Cloud.Contracts;
using Gantry.Api.Json;
using Gantry.Auth;
using Gantry.Domain;
using Gantry.Http;
using Gantry.Jobs.Submission;
using Gantry.Jobs.Validation;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Cloud;

/// <summary>
/// <c>POST /api/prompt</c> and <c>GET /api/prompt</c>. The same handlers serve ComfyUI's bare <c>/prompt</c>:
/// both surfaces take and give the same bodies. Every refusal of a submit is ComfyUI's
/// <c>{error, node_errors}</c>; refusals that are not about the graph (size, queue limit) also carry <c>{code, message}</c>.
/// </summary>
public static class PromptEndpoints
{
    public static IEndpointRouteBuilder MapPromptEndpoints(this IEndpointRouteBuilder app, string path)
    {
        app.MapPost(path, SubmitAsync).WithTags("workflow");
        app.MapGet(path, GetInfoAsync).WithTags("workflow");
        return app;
    }

    public static async Task<Results<Ok<PromptResponse>, JsonHttpResult<PromptErrorResponse>, JsonHttpResult<PromptRefusal>>> SubmitAsync(
        HttpContext context, JobSubmitter submitter, IOptions<ApiOptions> options)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        var body = await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted);
        if (body is null)
        {
            return Refusal(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"The request body is larger than the limit of {limit} bytes.");
        }

        if (RequestBody.IsEmpty(body))
        {
            return Rejected(PromptValidation.Reject("no_prompt", "No prompt provided", "No prompt provided"));
        }

        var submission = PromptRequestReader.Read(body, out var rejection);
        if (submission is null)
        {
            return Rejected(rejection!);
        }

        var outcome = await submitter.SubmitAsync(context.GetCaller(), submission, context.RequestAborted);
        switch (outcome)
        {
            case SubmitOutcome.Accepted accepted:
                return TypedResults.Ok(new PromptResponse(accepted.Job.Id.ToString("D"), accepted.Job.Sequence, new RawJson(accepted.NodeErrorsJson)));
            case SubmitOutcome.Rejected rejected:
                return Rejected(rejected.Validation);
            case SubmitOutcome.Duplicate duplicate:
                return Rejected(PromptValidation.Reject(
                    "invalid_prompt_id", "prompt_id is already in use", $"A job with prompt_id {duplicate.PromptId:D} already exists; omit prompt_id to let the server generate one"));
            case SubmitOutcome.QueueFull full:
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(full.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Refusal(
                    StatusCodes.Status429TooManyRequests,
                    ErrorCodes.QueueFull,
                    $"You have {full.Queued} jobs waiting, the most allowed is {full.Limit}. Retry after some have started.");
            default:
                throw new InvalidOperationException($"Unknown submit outcome {outcome}.");
        }
    }

    public static async Task<Ok<PromptInfo>> GetInfoAsync(HttpContext context, IJobStore store)
    {
        var remaining = await store.CountUserJobsInStatesAsync(context.GetCaller().UserId, JobStateMachine.ActiveStates, context.RequestAborted);
        return TypedResults.Ok(new PromptInfo(new ExecInfo(remaining)));
    }

    private static JsonHttpResult<PromptErrorResponse> Rejected(PromptValidation validation)
    {
        var rejection = validation.Rejection!;
        var body = new PromptErrorResponse(
            new PromptError(rejection.Type, rejection.Message, rejection.Details, new RawJson(rejection.ExtraInfoJson)),
            new RawJson(validation.NodeErrorsJson));
        return TypedResults.Json(body, GantryJsonContext.Default.PromptErrorResponse, statusCode: StatusCodes.Status400BadRequest);
    }

    private static JsonHttpResult<PromptRefusal> Refusal(int status, string code, string message)
        => TypedResults.Json(
            new PromptRefusal(code, message, new PromptError(code, message, message, RawJson.EmptyObject), RawJson.EmptyObject),
            GantryJsonContext.Default.PromptRefusal,
            statusCode: status);
}
