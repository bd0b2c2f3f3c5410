using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Gantry.Domain;
using Gantry.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Admin;

/// <summary>The bounds of what admins send, and the one way the admin endpoints read a small JSON body.</summary>
public static class AdminRequests
{
    /// <summary>The largest admin request body.</summary>
    public const int MaxBodyBytes = 4096;

    public const int MaxUserNameLength = 64;

    public const int MaxKeyNameLength = 100;

    public const double MaxWeight = 1000;

    public const int MaxRunningLimit = 10_000;

    public const int MaxQueuedLimit = 1_000_000;

    /// <summary>The body as <typeparamref name="T"/>; an empty body is <paramref name="empty"/> when given, else refused.</summary>
    public static async Task<(T? Value, JsonHttpResult<ErrorResponse>? Error)> ReadAsync<T>(
        HttpContext context, JsonTypeInfo<T> type, string shape, T? empty = null)
        where T : class
    {
        var body = await RequestBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return (null, ApiResults.TooLarge(MaxBodyBytes));
        }

        if (RequestBody.IsEmpty(body))
        {
            return empty is not null ? (empty, null) : (null, ApiResults.BadRequest(ErrorCodes.InvalidRequest, $"A JSON body is required: {shape}."));
        }

        using var document = RequestBody.TryParse(body, out var parseError);
        if (document is null)
        {
            return (null, ApiResults.BadRequest(ErrorCodes.InvalidJson, $"The request body is not valid JSON: {parseError}"));
        }

        try
        {
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.Deserialize(type) is { } value
                ? (value, null)
                : (null, ApiResults.BadRequest(ErrorCodes.InvalidRequest, $"Expected {shape}."));
        }
        catch (JsonException ex)
        {
            return (null, ApiResults.BadRequest(ErrorCodes.InvalidRequest, $"Expected {shape}: {ex.Message}"));
        }
    }

    /// <summary>Why <paramref name="text"/> cannot name a user or key (too long, control characters, a lone surrogate), or null.</summary>
    public static string? NameProblem(string text, int maxLength, string what)
    {
        if (text.Length > maxLength)
        {
            return $"'{what}' must be at most {maxLength} characters.";
        }

        return !WellFormedText.IsWellFormed(text) || text.Any(char.IsControl)
            ? $"'{what}' must be printable text."
            : null;
    }

    /// <summary>Why these limits are out of range, or null. Null values mean the server's defaults.</summary>
    public static string? LimitsProblem(double? weight, int? maxRunning, int? maxQueued)
    {
        if (weight is { } w && !(w > 0 && w <= MaxWeight))
        {
            return $"'weight' must be more than 0 and at most {MaxWeight}, or null for the default.";
        }

        if (maxRunning is { } r && r is < 0 or > MaxRunningLimit)
        {
            return $"'max_running' must be from 0 (no limit) to {MaxRunningLimit}, or null for the default.";
        }

        return maxQueued is { } q && q is < 0 or > MaxQueuedLimit
            ? $"'max_queued' must be from 0 (no limit) to {MaxQueuedLimit}, or null for the default."
            : null;
    }
}
