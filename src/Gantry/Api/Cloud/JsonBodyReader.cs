using System.Text.Json;
using Gantry.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Cloud;

/// <summary>Reads a small JSON body for the management endpoints, answering the usual refusals with <c>{code, message}</c>.</summary>
public static class JsonBodyReader
{
    /// <summary>Null body (and null error) when the body is empty and <paramref name="allowEmpty"/>.</summary>
    public static async Task<(JsonDocument? Document, JsonHttpResult<ErrorResponse>? Error)> ReadAsync(
        HttpContext context, ApiOptions options, bool allowEmpty)
    {
        var limit = options.MaxRequestBodyBytes;
        var body = await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted);
        if (body is null)
        {
            return (null, ApiResults.TooLarge(limit));
        }

        if (RequestBody.IsEmpty(body))
        {
            return allowEmpty ? (null, null) : (null, ApiResults.BadRequest(ErrorCodes.InvalidRequest, "A JSON body is required."));
        }

        var document = RequestBody.TryParse(body, out var parseError);
        return document is null
            ? (null, ApiResults.BadRequest(ErrorCodes.InvalidJson, $"The request body is not valid JSON: {parseError}"))
            : (document, null);
    }
}
