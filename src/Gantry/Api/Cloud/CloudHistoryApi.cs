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

/// <summary><c>POST /api/history</c> and the deprecated (still called) <c>GET /api/history_v2[/{prompt_id}]</c>.</summary>
public static class CloudHistoryApi
{
    /// <summary>The most entries one <c>history_v2</c> page lists, as ComfyUI's history cap.</summary>
    public const int MaxItems = 10_000;

    public static IEndpointRouteBuilder MapCloudHistory(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/history", ManageAsync).WithName("manageHistory").WithTags("job");
        app.MapGet("/api/history_v2", ListAsync).WithName("getHistory").WithTags("job");
        app.MapGet("/api/history_v2/{prompt_id}", GetAsync).WithName("getHistoryForPrompt").WithTags("job");
        return app;
    }

    /// <summary>Deletes finished jobs (listed, or all with <c>clear</c>); jobs still waiting or running are not history and stay.</summary>
    public static Task<Results<Ok, JsonHttpResult<ErrorResponse>>> ManageAsync(
        HttpContext context, IJobStore store, IOptions<ApiOptions> options)
        => HandleManageAsync(context, store, options.Value, allowOtherProperties: false);

    /// <summary>The same for ComfyUI's bare <c>POST /history</c>, which ignores properties other than <c>delete</c> and <c>clear</c>.</summary>
    public static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> HandleManageAsync(
        HttpContext context, IJobStore store, ApiOptions options, bool allowOtherProperties)
    {
        var (document, error) = await JsonBodyReader.ReadAsync(context, options, allowEmpty: false);
        using (document)
        {
            if (error is not null)
            {
                return error;
            }

            var request = ManageRequest.Read(document!.RootElement, out var problem, allowOtherProperties);
            if (request is null)
            {
                return ApiResults.BadRequest(ErrorCodes.InvalidRequest, problem!);
            }

            var userId = context.GetCaller().UserId;
            if (request.Clear)
            {
                await store.DeleteHistoryAsync(userId, null, context.RequestAborted);
            }
            else if (request.JobIds() is { Count: > 0 } ids)
            {
                await store.DeleteHistoryAsync(userId, ids, context.RequestAborted);
            }

            return TypedResults.Ok();
        }
    }

    public static async Task<Results<Ok<HistoryResponse>, JsonHttpResult<ErrorResponse>>> ListAsync(HttpContext context, IJobStore store)
    {
        if (!QueryParameters.TryReadInt(context.Request.Query, "max_items", MaxItems, 1, MaxItems, out var maxItems, out var error)
            || !QueryParameters.TryReadInt(context.Request.Query, "offset", 0, 0, int.MaxValue, out var offset, out error))
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, error!);
        }

        var details = await store.ListHistoryDetailsAsync(context.GetCaller().UserId, offset, maxItems, context.RequestAborted);
        var entries = new List<HistoryEntry>(details.Count);
        foreach (var detail in details)
        {
            var job = detail.Job;
            entries.Add(new HistoryEntry
            {
                PromptId = job.Id.ToString("D"),
                CreateTime = job.CreatedAtMs,
                WorkflowId = job.WorkflowId,
                Prompt = new HistoryPromptSummary(Priority(job), job.Id.ToString("D"), new RawJson(ExtraDataJson.WithoutWorkflow(detail.Payload.ExtraDataJson))),
                Outputs = RawJson.From(detail.Result?.OutputsJson) ?? RawJson.EmptyObject,
                Status = RawJson.From(detail.Result?.StatusJson ?? HistoryStatus.ForJobWithoutRun(job)),
                Meta = RawJson.From(detail.Result?.MetaJson) ?? RawJson.EmptyObject,
            });
        }

        return TypedResults.Ok(new HistoryResponse(entries));
    }

    /// <summary><c>{prompt_id: entry}</c> for a finished job; <c>{}</c> while it is still waiting or running, as ComfyUI answers.</summary>
    public static async Task<Results<Ok<Dictionary<string, HistoryDetailEntry>>, JsonHttpResult<ErrorResponse>>> GetAsync(
        string prompt_id, HttpContext context, IJobStore store)
    {
        var (detail, error) = await JobAccess.FindDetailAsync(store, context.GetCaller(), prompt_id, context.RequestAborted);
        if (detail is null)
        {
            return error!;
        }

        var job = detail.Job;
        var answer = new Dictionary<string, HistoryDetailEntry>(1);
        if (JobStateMachine.IsTerminal(job.State))
        {
            answer[job.Id.ToString("D")] = new HistoryDetailEntry
            {
                Prompt = new HistoryPromptDetail(
                    Priority(job),
                    job.Id.ToString("D"),
                    new RawJson(detail.Payload.PromptJson),
                    new RawJson(ExtraDataJson.WithCreateTime(detail.Payload.ExtraDataJson, job.CreatedAtMs, job.ClientId)),
                    detail.Payload.OutputsToExecute),
                Outputs = RawJson.From(detail.Result?.OutputsJson) ?? RawJson.EmptyObject,
                Status = RawJson.From(detail.Result?.StatusJson ?? HistoryStatus.ForJobWithoutRun(job)),
                Meta = RawJson.From(detail.Result?.MetaJson) ?? RawJson.EmptyObject,
            };
        }

        return TypedResults.Ok(answer);
    }

    /// <summary>A history entry's priority: the <c>number</c> the client sent, else the job's place in submission order.</summary>
    public static double Priority(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Number ?? job.Sequence;
    }
}
