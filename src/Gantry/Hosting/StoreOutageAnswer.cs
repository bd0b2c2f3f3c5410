using Gantry.Http;
using Gantry.Store;

namespace Gantry.Hosting;

/// <summary>
/// A request that fails because the store is unavailable (see <see cref="StoreOutage"/>) is answered
/// <c>503 Service Unavailable</c> with <c>Retry-After</c> and the usual error body, instead of an empty 500: the client
/// did nothing wrong and may send it again. Nothing was half-written: every store write is one transaction.
/// </summary>
public sealed partial class StoreOutageAnswer(RequestDelegate next, ILogger<StoreOutageAnswer> logger)
{
    public const string RetryAfterSeconds = "1";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context);
        }
        catch (Exception error) when (StoreOutage.IsOutage(error) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogOutage(logger, context.Request.Method, context.Request.Path, error.Message);
            context.Response.Clear();
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
            await HttpErrors.WriteAsync(
                context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "The job store is unavailable right now; send the request again shortly.");
        }
    }

    [LoggerMessage(EventId = 1090, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the store is unavailable ({Reason}).")]
    private static partial void LogOutage(ILogger logger, string method, PathString path, string reason);
}
