using System.Text.Json;
using Gantry.Api.Cloud;
using Gantry.Api.Cloud.Contracts;
using Gantry.Api.Comfy.Contracts;
using Gantry.Api.Json;
using Gantry.Auth;
using Gantry.Jobs;
using Gantry.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Comfy;

/// <summary>
/// OSS ComfyUI's <c>POST /api/jobs/cancel {"job_ids": [...]}</c> (it exists only under <c>/api</c>; bare <c>/jobs</c>
/// is 404 as in ComfyUI). Errors are OSS's <c>{"error": …}</c>; ids that are not the caller's jobs are skipped.
/// </summary>
public static class JobsBatchCancelApi
{
    public static IEndpointRouteBuilder MapJobsBatchCancel(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/jobs/cancel", CancelAsync).WithName("cancelJobs").WithTags("job");
        return app;
    }

    /// <summary><c>{"cancelled": true}</c> when at least one listed job was cancelled (or is being cancelled).</summary>
    public static async Task<Results<Ok<CancelResponse>, JsonHttpResult<OssError>, JsonHttpResult<OssInvalidIdsError>>> CancelAsync(
        HttpContext context, IJobStore store, JobCanceller canceller, IOptions<ApiOptions> options)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        var body = await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted);
        if (body is null)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"Request body is larger than the limit of {limit} bytes");
        }

        using var document = RequestBody.IsEmpty(body) ? null : RequestBody.TryParse(body, out _);
        if (document is null)
        {
            return Error(StatusCodes.Status400BadRequest, "Request body must be valid JSON");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("job_ids", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return Error(StatusCodes.Status400BadRequest, "job_ids must be a list");
        }

        var ids = new List<Guid>();
        var invalid = new List<RawJson>();
        foreach (var item in list.EnumerateArray())
        {
            if (TryReadCanonicalId(item, out var id))
            {
                ids.Add(id);
            }
            else
            {
                invalid.Add(new RawJson(JsonSerializer.SerializeToUtf8Bytes(item, JsonElementContext.Default.JsonElement)));
            }
        }

        if (invalid.Count > 0)
        {
            return TypedResults.Json(
                new OssInvalidIdsError("job_ids contains invalid id(s)", invalid), GantryJsonContext.Default.OssInvalidIdsError, statusCode: StatusCodes.Status400BadRequest);
        }

        var cancelled = await QueueActions.CancelListedAsync(
            store, canceller, context.GetCaller().UserId, ids.Distinct().ToList(), static _ => true, "Cancelled by the user.", context.RequestAborted);
        return TypedResults.Ok(new CancelResponse(cancelled.Count > 0));
    }

    /// <summary>ComfyUI accepts only a UUID string in canonical form: lowercase, hyphenated.</summary>
    private static bool TryReadCanonicalId(JsonElement item, out Guid id)
    {
        id = default;
        return item.ValueKind == JsonValueKind.String && item.GetString() is { } text
            && Guid.TryParseExact(text, "D", out id) && string.Equals(text, id.ToString("D"), StringComparison.Ordinal);
    }

    private static JsonHttpResult<OssError> Error(int status, string message)
        => TypedResults.Json(new OssError(message), GantryJsonContext.Default.OssError, statusCode: status);
}
