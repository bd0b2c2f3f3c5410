using System.Text.Json.Serialization;

namespace Gantry.Http;

/// <summary>
/// The <c>{code, message}</c> error body written straight to a response, for the code that answers before or
/// outside the endpoint modules (authentication, rate limits, the <c>/ws</c> upgrade). Endpoints use
/// <c>Api.ApiResults</c>, which writes the same body through the same serializer.
/// </summary>
public static class HttpErrors
{
    public static async Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ErrorResponse(code, message), HttpErrorJsonContext.Default.ErrorResponse, cancellationToken: context.RequestAborted);
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class HttpErrorJsonContext : JsonSerializerContext;
