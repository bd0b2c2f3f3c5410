using System.Text.Json.Serialization;

namespace Gantry.Http;

/// <summary>The Cloud API's <c>ErrorResponse</c>: every REST error outside <c>POST /api/prompt</c>.</summary>
public sealed record ErrorResponse(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The error codes Gantry answers with; stable strings clients may switch on.</summary>
public static class ErrorCodes
{
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string InvalidJson = "invalid_json";
    public const string InvalidRequest = "invalid_request";
    public const string InvalidParameter = "invalid_parameter";
    public const string InvalidJobId = "invalid_job_id";
    public const string PayloadTooLarge = "payload_too_large";
    public const string QueueFull = "queue_full";
    public const string TooManyRequests = "too_many_requests";
    public const string Conflict = "conflict";
    public const string InternalError = "internal_error";
    public const string ServiceUnavailable = "service_unavailable";
}
