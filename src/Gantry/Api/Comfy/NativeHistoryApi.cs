using Gantry.Api.Cloud;
using Gantry.Api.Comfy.Contracts;
using Gantry.Api.Json;
using Gantry.Auth;
using Gantry.Domain;
using Gantry.Http;
using Gantry.Jobs;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Comfy;

/// <summary>
/// ComfyUI's history: <c>GET /history</c>, <c>GET /history/{prompt_id}</c> (also under <c>/api</c>, which the Cloud
/// spec does not define) and the bare <c>POST /history</c>. Only the caller's finished jobs are history.
/// </summary>
public static class NativeHistoryApi
{
    /// <summary>The most entries one answer holds, as ComfyUI keeps at most this many.</summary>
    public const int MaxItems = CloudHistoryApi.MaxItems;

    public static IEndpointRouteBuilder MapComfyHistory(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["", "/api"])
        {
            app.MapGet(prefix + "/history", ListAsync).WithTags(ComfyNativeApi.Tag);
            app.MapGet(prefix + "/history/{prompt_id}", GetAsync).WithTags(ComfyNativeApi.Tag);
        }

        app.MapPost("/history", ManageAsync).WithTags(ComfyNativeApi.Tag);
        return app;
    }

    /// <summary>
    /// <c>{prompt_id: entry}</c>, oldest first. <c>offset</c> counts from the oldest; its default −1 with
    /// <c>max_items=N</c> gives the newest N (still oldest first), as ComfyUI does.
    /// </summary>
    public static async Task<Results<Ok<Dictionary<string, OssHistoryEntry>>, JsonHttpResult<ErrorResponse>>> ListAsync(
        HttpContext context, IJobStore store)
    {
        var query = context.Request.Query;
        if (!QueryParameters.TryReadInt(query, "max_items", MaxItems, 0, int.MaxValue, out var maxItems, out var error)
            || !QueryParameters.TryReadInt(query, "offset", -1, int.MinValue, int.MaxValue, out var offset, out error))
        {
            return ApiResults.BadRequest(ErrorCodes.InvalidParameter, error!);
        }

        var userId = context.GetCaller().UserId;
        maxItems = Math.Min(maxItems, MaxItems);
        IReadOnlyList<JobDetail> newestFirst;
        if (offset < 0)
        {
            newestFirst = await store.ListHistoryDetailsAsync(userId, 0, maxItems, context.RequestAborted);
        }
        else
        {
            // The store pages newest first; the window [offset, offset + count) from the oldest is the same jobs.
            var total = await store.CountUserJobsInStatesAsync(userId, JobStateMachine.TerminalStates, context.RequestAborted);
            var count = Math.Min(maxItems, total - offset);
            newestFirst = count <= 0 ? [] : await store.ListHistoryDetailsAsync(userId, total - offset - count, count, context.RequestAborted);
        }

        var answer = new Dictionary<string, OssHistoryEntry>(newestFirst.Count);
        for (var i = newestFirst.Count - 1; i >= 0; i--)
        {
            var detail = newestFirst[i];
            answer[detail.Job.Id.ToString("D")] = EntryOf(detail);
        }

        return TypedResults.Ok(answer);
    }

    /// <summary><c>{prompt_id: entry}</c>, or <c>{}</c> (never 404) for a job that is unknown, unfinished or not the caller's.</summary>
    public static async Task<Ok<Dictionary<string, OssHistoryEntry>>> GetAsync(string prompt_id, HttpContext context, IJobStore store)
    {
        var answer = new Dictionary<string, OssHistoryEntry>(1);
        if (JobAccess.TryParseJobId(prompt_id, out var id)
            && await store.GetJobDetailAsync(id, context.RequestAborted) is { } detail
            && detail.Job.UserId == context.GetCaller().UserId
            && JobStateMachine.IsTerminal(detail.Job.State))
        {
            answer[detail.Job.Id.ToString("D")] = EntryOf(detail);
        }

        return TypedResults.Ok(answer);
    }

    /// <summary><c>{"clear": true}</c> and/or <c>{"delete": [ids]}</c> of the caller's finished jobs; other properties are ignored. Empty 200.</summary>
    public static Task<Results<Ok, JsonHttpResult<ErrorResponse>>> ManageAsync(HttpContext context, IJobStore store, IOptions<ApiOptions> options)
        => CloudHistoryApi.HandleManageAsync(context, store, options.Value, allowOtherProperties: true);

    /// <summary>A finished job as ComfyUI's history keeps it.</summary>
    public static OssHistoryEntry EntryOf(JobDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var job = detail.Job;
        return new OssHistoryEntry
        {
            Prompt = QueueSnapshot.ToItem(job, detail.Payload, CloudHistoryApi.Priority(job), ossOrder: true),
            Outputs = RawJson.From(detail.Result?.OutputsJson) ?? RawJson.EmptyObject,
            Status = RawJson.From(detail.Result?.StatusJson ?? HistoryStatus.ForJobWithoutRun(job)) ?? RawJson.EmptyObject,
            Meta = RawJson.From(detail.Result?.MetaJson) ?? RawJson.EmptyObject,
        };
    }
}
