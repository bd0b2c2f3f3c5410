using Gantry.Store.Relational;

namespace Gantry.Scheduling.Leadership;

/// <summary>
/// <c>GET /readyz</c> for load balancers: 200 with <c>leader</c> or <c>follower</c> while the store answers, 503 with
/// <c>store unreachable</c> when it does not. (<c>/healthz</c> says only that the process is alive.)
/// </summary>
public static class ReadinessEndpoint
{
    /// <summary>How long the store may take to answer before the instance counts as not ready.</summary>
    private static readonly TimeSpan StoreBound = TimeSpan.FromSeconds(2);

    public static void MapReadiness(this IEndpointRouteBuilder app) =>
        app.MapGet("/readyz", ReadyAsync).AllowAnonymous().WithTags("health").WithName("ready");

    private static async Task<IResult> ReadyAsync(Store.IGantryStore store, Dispatcher dispatcher, CancellationToken cancellationToken)
    {
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(StoreBound);
            await ((RelationalGantryStore)store).GetSchemaVersionAsync(bounded.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Text("store unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return TypedResults.Text(dispatcher.IsLeading ? "leader" : "follower");
    }
}
