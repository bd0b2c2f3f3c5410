using Gantry.Api.Json;
using Gantry.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api;

/// <summary>The error answers every endpoint shares, as typed results and as direct writes (for middleware).</summary>
public static class ApiResults
{
    public static JsonHttpResult<ErrorResponse> Error(int status, string code, string message)
        => TypedResults.Json(new ErrorResponse(code, message), GantryJsonContext.Default.ErrorResponse, statusCode: status);

    public static JsonHttpResult<ErrorResponse> BadRequest(string code, string message) => Error(StatusCodes.Status400BadRequest, code, message);

    public static JsonHttpResult<ErrorResponse> NotFound(string message) => Error(StatusCodes.Status404NotFound, ErrorCodes.NotFound, message);

    public static JsonHttpResult<ErrorResponse> Forbidden(string message) => Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, message);

    public static JsonHttpResult<ErrorResponse> JobNotFound(Guid id) => NotFound($"Job {id} not found.");

    public static JsonHttpResult<ErrorResponse> JobForbidden(Guid id) => Forbidden($"Job {id} belongs to another user.");

    public static JsonHttpResult<ErrorResponse> InvalidJobId(string text)
        => BadRequest(ErrorCodes.InvalidJobId, $"'{Truncate(text)}' is not a job id: expected a UUID such as 0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11.");

    /// <summary>A job path whose id is not a UUID: no such job (404), with the reason.</summary>
    public static JsonHttpResult<ErrorResponse> NoSuchJobId(string text)
        => Error(StatusCodes.Status404NotFound, ErrorCodes.InvalidJobId, $"'{Truncate(text)}' is not a job id: expected a UUID such as 0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11.");

    public static JsonHttpResult<ErrorResponse> TooLarge(long limit)
        => Error(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"The request body is larger than the limit of {limit} bytes.");

    public static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
        => HttpErrors.WriteAsync(context, status, code, message);

    internal static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
