using Gantry.Api.Json;
using Gantry.Api.V2.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.V2;

/// <summary>The v2 error codes and the <c>ErrorEnvelope</c> answers.</summary>
public static class V2Errors
{
    public const string InvalidWorkflow = "invalid_workflow";
    public const string WorkflowFormatUi = "workflow_format_ui";
    public const string MissingAsset = "missing_asset";
    public const string IdempotencyKeyReuse = "idempotency_key_reuse";
    public const string InvalidRequest = "invalid_request";
    public const string QueueFull = "queue_full";
    public const string NotFound = "not_found";
    public const string Forbidden = "forbidden";
    public const string TooManyStreams = "too_many_streams";
    public const string PayloadTooLarge = "payload_too_large";
    public const string HashMismatch = "hash_mismatch";
    public const string BlobNotFound = "blob_not_found";
    public const string UpstreamError = "upstream_error";

    public static JsonHttpResult<V2ErrorEnvelope> Error(int status, string code, string message, byte[]? detailsJson = null)
        => TypedResults.Json(
            new V2ErrorEnvelope(new V2ErrorBody(code, message, RawJson.From(detailsJson))),
            V2JsonContext.Default.V2ErrorEnvelope,
            contentType: "application/json",
            statusCode: status);

    public static JsonHttpResult<V2ErrorEnvelope> Unprocessable(string code, string message, byte[]? detailsJson = null)
        => Error(StatusCodes.Status422UnprocessableEntity, code, message, detailsJson);

    /// <summary>Unknown, malformed, past retention or another user's: one answer, so ids cannot be probed.</summary>
    public static JsonHttpResult<V2ErrorEnvelope> JobNotFound()
        => Error(StatusCodes.Status404NotFound, NotFound, "No such job.");

    public static async Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(
            new V2ErrorEnvelope(new V2ErrorBody(code, message, null)), V2JsonContext.Default.V2ErrorEnvelope, cancellationToken: context.RequestAborted);
    }
}
