using System.Text.Json.Serialization;

namespace Gantry.Http;

/// <summary>
/// The <c>{code, message}</c> error body written straight to a response, for the code that answers before or
/// outside the endpoint modules (authentication, rate limits, the CSRF guard, the <c>/ws</c> upgrade). Endpoints use
/// <c>Api.ApiResults</c>, which writes the same body through the same serializer. On Comfy API v2 paths
/// (<c>/api/v2/…</c>) the same answer is written as v2's <c>ErrorEnvelope</c>, <c>{"error": {code, message}}</c>, and a
/// rate-limit 429 says <c>rate_limited</c> as that spec names it. On the editor's user files (<c>/api/userdata…</c>) it is
/// the message as text/plain, as the Cloud spec and ComfyUI answer every error there.
/// </summary>
public static class HttpErrors
{
    public const string V2PathPrefix = "/api/v2";

    public static async Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        if (IsV2(context.Request))
        {
            var v2Code = code == ErrorCodes.TooManyRequests ? "rate_limited" : code;
            await context.Response.WriteAsJsonAsync(
                new ErrorEnvelope(new ErrorResponse(v2Code, message)), HttpErrorJsonContext.Default.ErrorEnvelope, cancellationToken: context.RequestAborted);
            return;
        }

        if (IsUserData(context.Request))
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(message, context.RequestAborted);
            return;
        }

        await context.Response.WriteAsJsonAsync(new ErrorResponse(code, message), HttpErrorJsonContext.Default.ErrorResponse, cancellationToken: context.RequestAborted);
    }

    /// <summary>Whether the request is to the editor's user files (<c>/api/userdata…</c>, <c>/userdata…</c>), whose errors are text.</summary>
    public static bool IsUserData(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Path.StartsWithSegments("/api/userdata", StringComparison.Ordinal) || request.Path.StartsWithSegments("/userdata", StringComparison.Ordinal);
    }

    /// <summary>Whether the request is to a Comfy API v2 route (under <see cref="V2PathPrefix"/>).</summary>
    public static bool IsV2(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Path.StartsWithSegments(V2PathPrefix, StringComparison.Ordinal);
    }
}

/// <summary>v2's <c>ErrorEnvelope</c> around the usual body (its <c>details</c> left out: these answers have none).</summary>
public sealed record ErrorEnvelope([property: JsonPropertyName("error")] ErrorResponse Error);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ErrorEnvelope))]
internal sealed partial class HttpErrorJsonContext : JsonSerializerContext;
